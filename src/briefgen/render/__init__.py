"""briefgen.render: briefs to PDF, DOCX, HTML and Markdown.

- ``frontmatter``: a brief's YAML front matter, line numbers kept.
- ``jinja``: the sandboxed Jinja environment, the finding helpers and the layout.
- ``csl``: CSL styles by name or by path.
- ``pandoc``: the only caller of Pandoc and Typst.
- ``docx``: post-processing of Pandoc's DOCX output.
- ``build``: ``build_briefs``, the cache, the parallel builds and the progress bar.
- ``make_reference_docx``: regenerates the shipped reference.docx (run by hand).

Nothing heavy is imported here, so ``briefgen --version`` stays fast.
"""
