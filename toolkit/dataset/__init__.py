"""The dataset stage: tokens and BIO view, features, splits, builds, releases, card, diff, verify.

Kept light on purpose: importing it loads neither ``datasets`` nor ``pyarrow``; the modules that
need them import them.
"""
