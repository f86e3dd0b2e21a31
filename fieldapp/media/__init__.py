"""Photos and signatures: storage by content hash."""
