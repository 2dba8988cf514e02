-- Hosted fields (hosted-fields issue): the web origins allowed to frame an application's hosted
-- card page, receive its tokens through postMessage, and call the tokenization endpoints from a
-- browser (CORS). An origin is `scheme://host[:port]` in the canonical form browsers send in the
-- Origin header: lower case, no default port, no path; the admin CLI canonicalizes it and the
-- CHECK below refuses anything else that reaches the table (paths, wildcards, userinfo).
CREATE TABLE allowed_origins (
  application_id  text NOT NULL REFERENCES applications (id),
  origin          text NOT NULL
    CHECK (origin ~ '^https?://[a-z0-9.\-]+(:[0-9]{1,5})?$'
           OR origin ~ '^https?://\[[0-9a-f:.]+\](:[0-9]{1,5})?$'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, origin)
);
