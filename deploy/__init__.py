"""Running the app for a school: several copies behind HAProxy, sharing what must be shared.

  serve.py         `make serve REPLICAS=N` (python -m deploy.serve): N app servers, Redis for the
                   class poll, one class-link key, HAProxy in front (sticky sessions by cookie,
                   websockets, health checks); the proxy's config is made by `haproxy_config`
  haproxy.cfg      the same proxy for the containers (compose.yaml: N app containers found by name)
  Dockerfile, compose.yaml, kubernetes.yaml   the container recipe and a Kubernetes example
Leaves out: the app itself (app.py and the rooms it imports); nothing in the app imports this.
"""
