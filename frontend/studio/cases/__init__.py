"""Cases (instances): the list, and one case with its path on the canvas and its history."""
