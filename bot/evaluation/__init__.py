"""`csba evaluate ...`: measuring the understanding on labelled data (DESIGN.md section 5)."""
