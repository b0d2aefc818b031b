"""Pages of the complaints module, one module per concept (public intake and tracking, back-office lists,
handling steps, routing, settlement, rewards, reference data)."""
