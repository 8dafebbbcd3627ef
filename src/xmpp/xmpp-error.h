/* xmpp-error.h: error domains of the XMPP engine
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XMPP_ERROR (xmpp_error_quark ())
#define XMPP_STREAM_ERROR (xmpp_stream_error_quark ())

/**
 * XmppError:
 * @XMPP_ERROR_FAILED: anything not covered below
 * @XMPP_ERROR_CONNECT: no connection could be made (DNS, refused, unreachable)
 * @XMPP_ERROR_TLS_REQUIRED: the server offers no TLS and the account does not allow plaintext
 * @XMPP_ERROR_CERTIFICATE: the server's certificate is not trusted and not pinned
 * @XMPP_ERROR_AUTH_FAILED: the server rejected the credentials
 * @XMPP_ERROR_AUTH_MECHANISM: no offered SASL mechanism is acceptable
 * @XMPP_ERROR_AUTH_PROTOCOL: the server broke the SASL exchange (bad nonce,
 *   wrong or missing server signature, malformed message)
 * @XMPP_ERROR_BIND: resource binding failed
 * @XMPP_ERROR_TIMEOUT: a request or the connection timed out
 * @XMPP_ERROR_NOT_CONNECTED: the operation needs an established session
 * @XMPP_ERROR_STANZA: the peer answered with a stanza error
 * @XMPP_ERROR_BAD_STANZA: a stanza was malformed or came from the wrong sender
 * @XMPP_ERROR_INVALID_JID: a string is not a valid JID
 * @XMPP_ERROR_INVALID_URI: a string is not a valid `xmpp:` URI (RFC 5122)
 *
 * Errors of the engine that are not stream errors.
 */
typedef enum {
  XMPP_ERROR_FAILED,
  XMPP_ERROR_CONNECT,
  XMPP_ERROR_TLS_REQUIRED,
  XMPP_ERROR_CERTIFICATE,
  XMPP_ERROR_AUTH_FAILED,
  XMPP_ERROR_AUTH_MECHANISM,
  XMPP_ERROR_AUTH_PROTOCOL,
  XMPP_ERROR_BIND,
  XMPP_ERROR_TIMEOUT,
  XMPP_ERROR_NOT_CONNECTED,
  XMPP_ERROR_STANZA,
  XMPP_ERROR_BAD_STANZA,
  XMPP_ERROR_INVALID_JID,
  XMPP_ERROR_INVALID_URI,
} XmppError;

/**
 * XmppStreamError:
 *
 * The stream error conditions of RFC 6120 §4.9.3, used as codes in the
 * %XMPP_STREAM_ERROR domain, whether we detected the fault (and send the
 * condition to the server) or the server sent it to us.
 */
typedef enum {
  XMPP_STREAM_ERROR_BAD_FORMAT,
  XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX,
  XMPP_STREAM_ERROR_CONFLICT,
  XMPP_STREAM_ERROR_CONNECTION_TIMEOUT,
  XMPP_STREAM_ERROR_HOST_GONE,
  XMPP_STREAM_ERROR_HOST_UNKNOWN,
  XMPP_STREAM_ERROR_IMPROPER_ADDRESSING,
  XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR,
  XMPP_STREAM_ERROR_INVALID_FROM,
  XMPP_STREAM_ERROR_INVALID_NAMESPACE,
  XMPP_STREAM_ERROR_INVALID_XML,
  XMPP_STREAM_ERROR_NOT_AUTHORIZED,
  XMPP_STREAM_ERROR_NOT_WELL_FORMED,
  XMPP_STREAM_ERROR_POLICY_VIOLATION,
  XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED,
  XMPP_STREAM_ERROR_RESET,
  XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT,
  XMPP_STREAM_ERROR_RESTRICTED_XML,
  XMPP_STREAM_ERROR_SEE_OTHER_HOST,
  XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN,
  XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
  XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
  XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE,
  XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE,
  XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
} XmppStreamError;

GQuark           xmpp_error_quark                  (void);
GQuark           xmpp_stream_error_quark           (void);

const char      *xmpp_stream_error_to_condition    (XmppStreamError  code);
gboolean         xmpp_stream_error_from_condition  (const char      *condition,
                                                    XmppStreamError *code);

G_END_DECLS
