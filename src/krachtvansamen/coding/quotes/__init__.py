"""Quote review: a person approves a fragment's words, with others' names pseudonymised, before they are quoted."""
