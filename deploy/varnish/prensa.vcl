# Varnish in front of Prensa nodes: keeps public pages as long as their
# `Cache-Control: s-maxage` says, and drops exactly the pages a write
# touches when a node sends `PURGE` with the surrogate keys in an `xkey`
# header (`prensa serve --purge-url http://THIS-VARNISH:6081/`).
#
# Needs vmod xkey (Debian/Ubuntu: `apt-get install varnish-modules`).
# Point the backend at a Prensa node (or a director over several) and list
# the nodes' addresses in `purgers`. Prensa must trust this Varnish as a
# proxy (`--trusted-proxy`) for client addresses and https to be right.
vcl 4.1;

import xkey;

backend prensa {
    .host = "127.0.0.1";
    .port = "8080";
}

# Who may purge: the Prensa nodes.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "PURGE needs an xkey header"));
        }
        # Space-separated keys; `all` is on every page, for changes of
        # unknown reach (an import, a scheduled article coming due).
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, the Content API with keys, sign-in pages and everything
    # staff see with a session cookie: never from the cache.
    if (req.url ~ "^/admin" || req.http.Authorization || req.http.Cookie) {
        return (pass);
    }
    # Search results are made per query; Prensa does not mark them for
    # shared caches anyway.
    if (req.url ~ "^/search/?\?") {
        return (pass);
    }
    return (hash);
}

sub vcl_backend_response {
    # A response that sets a cookie is someone's session: never shared.
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Fingerprinted media and stylesheets never change under their URL.
    if (beresp.http.Cache-Control ~ "immutable") {
        return (deliver);
    }
    # Otherwise only what Prensa marked for shared caches (s-maxage, with its keys in
    # `xkey`) is kept; Varnish already honours s-maxage over max-age.
    if (!beresp.http.Cache-Control ~ "s-maxage" || !beresp.http.xkey) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    return (deliver);
}

sub vcl_deliver {
    # Browsers get Prensa's own max-age; the keys are Varnish's business.
    unset resp.http.xkey;
    if (resp.http.Cache-Control) {
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, ",\s*s-maxage=\d+", "");
    }
}
