"""The engine around the pipeline's stages: what a render read, what changed since the
last one, and the cache that lets a build or the preview redo only that.

- `reads`: the view of the model each route renders against, recording what it read,
  and the comparison of two models in the same terms;
- `revision`: one model as rendered, with the values many routes share (memos);
- `site`: which routes to render again, rendering them, what a render leaves behind;
- `cache`: `.cohub-cache/`, so that a build starts from what the last build left.

The stages (`pipeline`, `render`, `feeds`) build one site once and know nothing of
caching; `build` and `serve` wrap them with this package.
"""
