/* xmpp-scram-private.h: SCRAM helpers shared with xmpp-sasl.c and the tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-scram.h"

G_BEGIN_DECLS

/* Longest server message (after base64 decoding) we accept.  Real ones are
 * around 100 bytes; anything near this limit is an attack or a bug. */
#define XMPP_SCRAM_MAX_MESSAGE 4096

/* For RFC test vectors and fuzzing only: fixes the client nonce instead of
 * drawing it from gnutls_rnd().  Must be called before client_first. */
void            xmpp_scram_set_client_nonce     (XmppScram   *self,
                                                 const char  *nonce);

/* A practical SASLprep (RFC 4013) with query semantics; NULL if @input is
 * not valid UTF-8 or holds a prohibited character. */
G_GNUC_WARN_UNUSED_RESULT
char           *xmpp_scram_saslprep             (const char  *input);

/* Strict base64 (RFC 4648 §4, padded, no whitespace) of @length bytes at
 * @text; NULL if any character or the padding is wrong.  An empty input
 * decodes to an empty, non-NULL buffer. */
G_GNUC_WARN_UNUSED_RESULT
guint8         *xmpp_scram_base64_decode        (const char  *text,
                                                 gsize        length,
                                                 gsize       *out_length);

G_END_DECLS
