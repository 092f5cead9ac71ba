"""The report renderer: RESULTS.md's sections from what the stages measured.

- `markdown`: tables, the targets with their verdicts, writing a marked section in place;
- `suite`: the suite's document, one section per stage; `why`: why each missed target was missed;
- `isolated`: the isolated run's section, between `<!-- isolated:start -->` and `<!-- isolated:end -->`.
"""
