# edge-router only watches the catalog and health.
service_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }
