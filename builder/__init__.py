"""cohub: a static-site generator for co-creation hubs.

The build is a pipeline of modules, each a stage: config → content (load) → validate
→ link (model) → render → output. `pipeline.read_hub` runs the stages up to the model.
"""

#: Semantic versioning; CHANGELOG.md says what each version changed. A hub pins it
#: in requirements.txt (`cohub init` writes the pin).
__version__ = "0.2.0"
