"""Credit pages, split by concept: credit files, lists, the objection and repair queues, the scoring model."""
