# config-syncer mirrors the config repo and records image tags: write under its two prefixes, nothing else.
key_prefix "quayside/config/" { policy = "write" }
key_prefix "quayside/images/" { policy = "write" }
