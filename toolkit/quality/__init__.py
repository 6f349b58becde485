"""Dataset quality before a release: ranked suspect annotations (``toolkit annotations qa``).

Detectors (each in its own module, declared in :data:`toolkit.quality.find.DETECTORS`):
label and boundary variation over the corpus's own strings (variation n-grams in the spirit of
Dickinson and Meurers), model disagreement (a k-fold cross-validated CRF's token marginals ranked by
cleanlab's token-classification label-issue finder) and relation patterns. Their items are merged
per region and ranked by a noisy-OR of the detector scores.
"""
