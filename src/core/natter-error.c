/* natter-error.c: the wording users see for errors of every layer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lower layers report failures as GErrors in their own domains, with
 * messages that are translated but written for whoever called them.  This
 * file decides what the user reads: for some codes the engine's message is
 * already the most specific wording there is (which server could not be
 * found, why a certificate is not trusted), for others a sentence that
 * says what happened in the user's terms is better than the protocol's.
 */
#include "config.h"

#include "natter-error.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "store/store.h"
#include "xmpp/xmpp.h"

static char *
describe_io_error (const GError *error,
                   const char   *domain)
{
  switch (error->code)
    {
    case G_IO_ERROR_CANCELLED:
      return g_strdup (_("The operation was cancelled"));

    case G_IO_ERROR_CONNECTION_REFUSED:
      return g_strdup_printf (_("The server “%s” refused the connection"), domain);

    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_HOST_UNREACHABLE:
      return g_strdup_printf (_("No connection: the network or the server “%s” "
                                "cannot be reached"), domain);

    case G_IO_ERROR_TIMED_OUT:
      return g_strdup_printf (_("Connecting to “%s” timed out"), domain);

    case G_IO_ERROR_CONNECTION_CLOSED:
      return g_strdup_printf (_("The server “%s” closed the connection"), domain);

    default:
      return g_strdup_printf (_("The connection to “%s” failed: %s"), domain, error->message);
    }
}

static char *
describe_resolver_error (const GError *error,
                         const char   *domain)
{
  switch (error->code)
    {
    case G_RESOLVER_ERROR_NOT_FOUND:
      return g_strdup_printf (_("The server “%s” could not be found"), domain);

    case G_RESOLVER_ERROR_TEMPORARY_FAILURE:
      return g_strdup_printf (_("The server “%s” could not be looked up; "
                                "check the network connection"), domain);

    default:
      return g_strdup_printf (_("The server “%s” could not be looked up: %s"),
                              domain, error->message);
    }
}

static char *
describe_tls_error (const GError *error,
                    const char   *domain)
{
  switch (error->code)
    {
    case G_TLS_ERROR_BAD_CERTIFICATE:
      return g_strdup_printf (_("The certificate of “%s” is not trusted"), domain);

    case G_TLS_ERROR_NOT_TLS:
      return g_strdup_printf (_("The server “%s” does not offer TLS on this port"), domain);

    case G_TLS_ERROR_EOF:
      return g_strdup_printf (_("The server “%s” closed the secure connection"), domain);

    default:
      return g_strdup_printf (_("The secure connection to “%s” failed: %s"),
                              domain, error->message);
    }
}

static char *
describe_xmpp_error (const GError *error,
                     const char   *domain)
{
  switch ((XmppError) error->code)
    {
    /* The engine's own messages name the server, the port and the reason
     * (not found, refused, timed out; which certificate check failed;
     * which SASL condition), which is as specific as it gets. */
    case XMPP_ERROR_FAILED:
    case XMPP_ERROR_CONNECT:
    case XMPP_ERROR_CERTIFICATE:
    case XMPP_ERROR_AUTH_FAILED:
    case XMPP_ERROR_AUTH_MECHANISM:
    case XMPP_ERROR_INVALID_JID:
    case XMPP_ERROR_INVALID_URI:
      return g_strdup (error->message);

    case XMPP_ERROR_TLS_REQUIRED:
      return g_strdup_printf (_("The server “%s” does not offer an encrypted connection (TLS), "
                                "which Natter requires"), domain);

    case XMPP_ERROR_AUTH_PROTOCOL:
      return g_strdup_printf (_("Signing in to “%s” failed in a way that suggests someone is "
                                "interfering with the connection: %s"), domain, error->message);

    case XMPP_ERROR_BIND:
      return g_strdup_printf (_("The server “%s” refused this device’s resource: %s"),
                              domain, error->message);

    case XMPP_ERROR_TIMEOUT:
      return g_strdup_printf (_("The server “%s” stopped answering"), domain);

    case XMPP_ERROR_NOT_CONNECTED:
      return g_strdup (_("The account is not connected"));

    case XMPP_ERROR_STANZA:
      return g_strdup_printf (_("The server “%s” answered with an error: %s"),
                              domain, error->message);

    case XMPP_ERROR_BAD_STANZA:
      return g_strdup_printf (_("The server “%s” sent something Natter cannot read: %s"),
                              domain, error->message);

    default:
      return g_strdup (error->message);
    }
}

static char *
describe_stream_error (const GError *error,
                       const char   *domain)
{
  switch ((XmppStreamError) error->code)
    {
    /* What a web server, a mail server or any other non-XMPP service
     * makes of our stream header, or we of its answer. */
    case XMPP_STREAM_ERROR_BAD_FORMAT:
    case XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX:
    case XMPP_STREAM_ERROR_INVALID_NAMESPACE:
    case XMPP_STREAM_ERROR_INVALID_XML:
    case XMPP_STREAM_ERROR_NOT_WELL_FORMED:
    case XMPP_STREAM_ERROR_RESTRICTED_XML:
    case XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING:
    case XMPP_STREAM_ERROR_UNSUPPORTED_VERSION:
      return g_strdup_printf (_("“%s” did not answer like an XMPP server; "
                                "check the host and port"), domain);

    case XMPP_STREAM_ERROR_CONFLICT:
      return g_strdup (_("Another device signed in with the same resource; "
                         "give this device a resource of its own"));

    case XMPP_STREAM_ERROR_HOST_UNKNOWN:
      return g_strdup_printf (_("The server does not host the domain “%s”"), domain);

    case XMPP_STREAM_ERROR_NOT_AUTHORIZED:
      return g_strdup_printf (_("The server “%s” refused the sign-in"), domain);

    case XMPP_STREAM_ERROR_HOST_GONE:
    case XMPP_STREAM_ERROR_SEE_OTHER_HOST:
      return g_strdup_printf (_("The server “%s” has moved; check the host setting"), domain);

    case XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN:
      return g_strdup_printf (_("The server “%s” is shutting down"), domain);

    case XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT:
      return g_strdup_printf (_("The server “%s” is too busy"), domain);

    case XMPP_STREAM_ERROR_CONNECTION_TIMEOUT:
      return g_strdup_printf (_("The server “%s” closed the idle connection"), domain);

    case XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR:
      return g_strdup_printf (_("The server “%s” had an internal error"), domain);

    case XMPP_STREAM_ERROR_POLICY_VIOLATION:
      return g_strdup_printf (_("The server “%s” closed the connection because of its policy"),
                              domain);

    case XMPP_STREAM_ERROR_RESET:
      return g_strdup_printf (_("The server “%s” reset the connection"), domain);

    case XMPP_STREAM_ERROR_IMPROPER_ADDRESSING:
    case XMPP_STREAM_ERROR_INVALID_FROM:
    case XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED:
    case XMPP_STREAM_ERROR_UNDEFINED_CONDITION:
    case XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE:
    case XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE:
    default:
      return g_strdup_printf (_("The server “%s” ended the connection with an error: %s"),
                              domain, error->message);
    }
}

/**
 * natter_error_dup_message:
 * @error: an error from any layer
 * @domain: the domain of the server the error concerns, e.g. the
 *   account's, for wordings that name it
 *
 * Says what went wrong in words for the user: wrong password, unknown
 * host, no connection, not an XMPP server, certificate not trusted, TLS
 * required and so on.  Errors of the %XMPP_ERROR, %XMPP_STREAM_ERROR,
 * %G_IO_ERROR, %G_RESOLVER_ERROR and %G_TLS_ERROR domains are mapped to
 * specific sentences; errors of this layer and the store already carry
 * one.
 *
 * Returns: (transfer full): a translated message
 */
char *
natter_error_dup_message (const GError *error,
                          const char   *domain)
{
  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  if (error->domain == XMPP_ERROR)
    return describe_xmpp_error (error, domain);
  if (error->domain == XMPP_STREAM_ERROR)
    return describe_stream_error (error, domain);
  if (error->domain == G_IO_ERROR)
    return describe_io_error (error, domain);
  if (error->domain == G_RESOLVER_ERROR)
    return describe_resolver_error (error, domain);
  if (error->domain == G_TLS_ERROR)
    return describe_tls_error (error, domain);

  /* NATTER_ERROR, NATTER_STORE_ERROR and anything else: their messages
   * are written for the user already. */
  return g_strdup (error->message);
}
