"""The contracts as documents partners build against: the AsyncAPI document (laid out by
faststream's generator, so it lives apart from the pure models in `shared.contracts`), its
readable page, and the committed files under `docs/contracts/`."""
