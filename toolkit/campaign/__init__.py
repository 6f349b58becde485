"""An annotation campaign on Label Studio Community: overlap, blind double annotation, control tasks, the
project manager's status and the review round.

- :mod:`plan`: the settings and who annotates which task (pure, reproducible);
- :mod:`server`: the settings and each annotator's queue written to the server, control tasks with their gold;
- :mod:`status`: the project manager's view, from the live server or an export (one scoring engine);
- :mod:`review`: disagreements and weak annotators' tasks back to Label Studio for review.
"""
