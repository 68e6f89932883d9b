"""HTML output: post-render finishing of the pages Quarto wrote."""
