# git-watcher does not use Consul: an empty policy (its token can do nothing).
