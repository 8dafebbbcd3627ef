/* xmpp-scram.h: the client side of SCRAM (RFC 5802, RFC 7677, SHA-512)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * XmppScramHash:
 * @XMPP_SCRAM_HASH_SHA1: SCRAM-SHA-1 (RFC 5802)
 * @XMPP_SCRAM_HASH_SHA256: SCRAM-SHA-256 (RFC 7677)
 * @XMPP_SCRAM_HASH_SHA512: SCRAM-SHA-512
 *
 * The hash function a SCRAM exchange is built on.
 */
typedef enum {
  XMPP_SCRAM_HASH_SHA1,
  XMPP_SCRAM_HASH_SHA256,
  XMPP_SCRAM_HASH_SHA512,
} XmppScramHash;

/**
 * XmppScramChannelBinding:
 * @XMPP_SCRAM_CHANNEL_BINDING_NONE: gs2 flag `n`: the client does not
 *   support channel binding (no TLS, or no binding type in common with a
 *   server that offers `-PLUS`)
 * @XMPP_SCRAM_CHANNEL_BINDING_NOT_OFFERED: gs2 flag `y`: the client could
 *   bind but the server did not offer the `-PLUS` mechanism; a server that
 *   does support binding fails the login, which defeats a `-PLUS` stripping
 *   downgrade (RFC 5802 §6)
 * @XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER: gs2 flag `p=tls-exporter`
 *   (RFC 9266)
 * @XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT: gs2 flag
 *   `p=tls-server-end-point` (RFC 5929 §4)
 *
 * What the gs2 header of a SCRAM exchange says about channel binding.
 */
typedef enum {
  XMPP_SCRAM_CHANNEL_BINDING_NONE,
  XMPP_SCRAM_CHANNEL_BINDING_NOT_OFFERED,
  XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER,
  XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT,
} XmppScramChannelBinding;

/* Bounds on the server's iteration count: below RFC 7677's minimum the
 * stored key is cheap to attack; far above it a server can stall us. */
#define XMPP_SCRAM_MIN_ITERATIONS 4096
#define XMPP_SCRAM_MAX_ITERATIONS 1000000

#define XMPP_TYPE_SCRAM (xmpp_scram_get_type ())

G_DECLARE_FINAL_TYPE (XmppScram, xmpp_scram, XMPP, SCRAM, GObject)

G_GNUC_WARN_UNUSED_RESULT
XmppScram               *xmpp_scram_new                  (XmppScramHash            hash,
                                                          const char              *username,
                                                          const char              *password);
void                     xmpp_scram_set_channel_binding  (XmppScram               *self,
                                                          XmppScramChannelBinding  binding,
                                                          GBytes                  *data);
XmppScramHash            xmpp_scram_get_hash             (XmppScram               *self);
XmppScramChannelBinding  xmpp_scram_get_channel_binding  (XmppScram               *self);
G_GNUC_WARN_UNUSED_RESULT
char                    *xmpp_scram_client_first         (XmppScram               *self,
                                                          GError                 **error);
G_GNUC_WARN_UNUSED_RESULT
char                    *xmpp_scram_handle_server_first  (XmppScram               *self,
                                                          const char              *message,
                                                          gsize                    length,
                                                          GError                 **error);
gboolean                 xmpp_scram_verify_server_final  (XmppScram               *self,
                                                          const char              *message,
                                                          gsize                    length,
                                                          GError                 **error);
gboolean                 xmpp_scram_is_verified          (XmppScram               *self);

G_END_DECLS
