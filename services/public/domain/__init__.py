"""The public site's rules: what is shown of a promise's figures, in which words, and as
open data. Pure: no I/O, the clock passed in."""
