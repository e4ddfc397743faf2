# config-syncer mirrors the config repo and records image tags with their source commits: write under its three
# prefixes, nothing else.
key_prefix "quayside/config/" { policy = "write" }
key_prefix "quayside/images/" { policy = "write" }
key_prefix "quayside/image-sources/" { policy = "write" }
