"""The commands of the command line, one module per verb; each loads the kit and calls one stage."""
