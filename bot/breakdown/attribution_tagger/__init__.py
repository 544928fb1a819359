"""A learned attribution tagger (source / cue / content, BIO) trained on PolNeAR.

`component` registers it with spaCy and loads the shipped weights; `decode` turns its
probabilities into attributions; `train` reproduces the weights from the training split.
"""
