"""What calls cost: pricing, budget caps checked before each call, and queries over the ledger."""
