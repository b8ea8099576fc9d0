"""MLR-Judge: rubrics, what a judge reads, decoding and checking replies, batch judging, reviews
and hallucination flags."""
