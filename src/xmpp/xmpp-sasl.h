/* xmpp-sasl.h: SASL mechanism selection and exchange for one login (RFC 6120 §6)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * XmppSaslMechanism:
 * @XMPP_SASL_MECHANISM_NONE: no mechanism (nothing selected yet, or no
 *   minimum)
 * @XMPP_SASL_MECHANISM_PLAIN: PLAIN (RFC 4616), only inside TLS
 * @XMPP_SASL_MECHANISM_SCRAM_SHA_1: SCRAM-SHA-1
 * @XMPP_SASL_MECHANISM_SCRAM_SHA_256: SCRAM-SHA-256
 * @XMPP_SASL_MECHANISM_SCRAM_SHA_512: SCRAM-SHA-512
 * @XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS: SCRAM-SHA-1-PLUS
 * @XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS: SCRAM-SHA-256-PLUS
 * @XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS: SCRAM-SHA-512-PLUS
 *
 * The mechanisms we speak, in ascending order of preference: a larger
 * value is stronger, so "at least as strong" is a comparison of values.
 * Channel binding ranks above the hash, since it is what defeats a man in
 * the middle holding a valid certificate.
 */
typedef enum {
  XMPP_SASL_MECHANISM_NONE,
  XMPP_SASL_MECHANISM_PLAIN,
  XMPP_SASL_MECHANISM_SCRAM_SHA_1,
  XMPP_SASL_MECHANISM_SCRAM_SHA_256,
  XMPP_SASL_MECHANISM_SCRAM_SHA_512,
  XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS,
  XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS,
  XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS,
} XmppSaslMechanism;

/* Channel-binding type names (RFC 9266, RFC 5929), as in XEP-0440. */
#define XMPP_SASL_CB_TLS_EXPORTER "tls-exporter"
#define XMPP_SASL_CB_TLS_SERVER_END_POINT "tls-server-end-point"

#define XMPP_TYPE_SASL (xmpp_sasl_get_type ())

G_DECLARE_FINAL_TYPE (XmppSasl, xmpp_sasl, XMPP, SASL, GObject)

G_GNUC_WARN_UNUSED_RESULT
XmppSasl          *xmpp_sasl_new                       (const char         *authcid,
                                                        const char         *password,
                                                        gboolean            tls_active);
void               xmpp_sasl_set_channel_binding       (XmppSasl           *self,
                                                        const char         *type,
                                                        GBytes             *data);
void               xmpp_sasl_set_minimum_mechanism     (XmppSasl           *self,
                                                        XmppSaslMechanism   mechanism);
gboolean           xmpp_sasl_select                    (XmppSasl           *self,
                                                        const char * const *offered_mechanisms,
                                                        const char * const *server_cb_types,
                                                        GError            **error);
const char        *xmpp_sasl_get_mechanism             (XmppSasl           *self);
XmppSaslMechanism  xmpp_sasl_get_mechanism_id          (XmppSasl           *self);
const char        *xmpp_sasl_get_channel_binding_type  (XmppSasl           *self);
char              *xmpp_sasl_initial_response          (XmppSasl           *self,
                                                        GError            **error);
char              *xmpp_sasl_respond                   (XmppSasl           *self,
                                                        const char         *challenge,
                                                        GError            **error);
gboolean           xmpp_sasl_verify_success            (XmppSasl           *self,
                                                        const char         *additional_data,
                                                        GError            **error);

const char        *xmpp_sasl_mechanism_to_string       (XmppSaslMechanism   mechanism);
XmppSaslMechanism  xmpp_sasl_mechanism_from_string     (const char         *name);
G_GNUC_WARN_UNUSED_RESULT
GError            *xmpp_sasl_failure_to_error          (const char         *condition,
                                                        const char         *text);

G_END_DECLS
