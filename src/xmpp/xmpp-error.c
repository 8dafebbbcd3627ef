/* xmpp-error.c: error domains of the XMPP engine
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-error.h"

#include <string.h>

G_DEFINE_QUARK (xmpp-error-quark, xmpp_error)
G_DEFINE_QUARK (xmpp-stream-error-quark, xmpp_stream_error)

/* Indexed by XmppStreamError; the element names of RFC 6120 §4.9.3. */
static const char * const conditions[] = {
  "bad-format",
  "bad-namespace-prefix",
  "conflict",
  "connection-timeout",
  "host-gone",
  "host-unknown",
  "improper-addressing",
  "internal-server-error",
  "invalid-from",
  "invalid-namespace",
  "invalid-xml",
  "not-authorized",
  "not-well-formed",
  "policy-violation",
  "remote-connection-failed",
  "reset",
  "resource-constraint",
  "restricted-xml",
  "see-other-host",
  "system-shutdown",
  "undefined-condition",
  "unsupported-encoding",
  "unsupported-feature",
  "unsupported-stanza-type",
  "unsupported-version",
};

G_STATIC_ASSERT (G_N_ELEMENTS (conditions) == XMPP_STREAM_ERROR_UNSUPPORTED_VERSION + 1);

/**
 * xmpp_stream_error_to_condition:
 * @code: a stream error code
 *
 * Returns: the element name of the condition, e.g. `"restricted-xml"`
 */
const char *
xmpp_stream_error_to_condition (XmppStreamError code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (conditions), "undefined-condition");

  return conditions[code];
}

/**
 * xmpp_stream_error_from_condition:
 * @condition: an element name received inside `<stream:error/>`
 * @code: (out): where to store the code
 *
 * Unknown conditions map to %XMPP_STREAM_ERROR_UNDEFINED_CONDITION, as
 * RFC 6120 §4.9.3.21 asks.
 *
 * Returns: %TRUE if @condition is one of RFC 6120's conditions
 */
gboolean
xmpp_stream_error_from_condition (const char      *condition,
                                  XmppStreamError *code)
{
  g_return_val_if_fail (code != NULL, FALSE);

  for (guint i = 0; condition != NULL && i < G_N_ELEMENTS (conditions); i++)
    {
      if (strcmp (conditions[i], condition) == 0)
        {
          *code = (XmppStreamError) i;
          return TRUE;
        }
    }

  *code = XMPP_STREAM_ERROR_UNDEFINED_CONDITION;
  return FALSE;
}
