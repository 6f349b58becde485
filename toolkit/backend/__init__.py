"""A Label Studio ML backend serving the toolkit's baselines (``toolkit ls backend``).

``model`` trains, saves, loads and applies the served model (CRF entities plus the relation
classifier) and scores its confidence; ``training`` retrains it from the project's own annotations;
``app`` speaks Label Studio's ML backend protocol over HTTP (Starlette, served by uvicorn).
"""
