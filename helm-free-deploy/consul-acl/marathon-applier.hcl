# marathon-applier only reads the desired state.
key_prefix "quayside/config/" { policy = "read" }
