"""The analysis pipeline, one module per stage: ingest → claims → embed → cluster → relate.

Each stage is plain Python over the ORM, testable without HTTP; ``run.analyze`` ties them up.
"""
