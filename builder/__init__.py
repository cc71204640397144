"""cohub: a static-site generator for co-creation hubs.

The build is a pipeline of modules, each a stage: config → content (load) → validate
→ link (model) → render → output. `pipeline.read_hub` runs the stages up to the model.
"""

__version__ = "0.1.0"
