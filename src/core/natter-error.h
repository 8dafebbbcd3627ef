/* natter-error.h: error domain of the application model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NATTER_ERROR (natter_error_quark ())

/**
 * NatterError:
 * @NATTER_ERROR_FAILED: any other failure
 * @NATTER_ERROR_NO_SECRET_SERVICE: no Secret Service is running, so passwords
 *   cannot be kept and are asked for each time
 * @NATTER_ERROR_INVALID_JID: an address the user typed is not a valid JID,
 *   or not the kind of JID the operation needs
 * @NATTER_ERROR_EXISTS: the account or contact exists already
 * @NATTER_ERROR_INVALID_SETTING: a resource, host, port or certificate
 *   fingerprint is not valid
 * @NATTER_ERROR_NOT_CONNECTED: the operation needs the account online
 * @NATTER_ERROR_NO_PASSWORD: no password is known for the account
 *
 * Errors of the application model.  Their messages are translated and
 * meant for the user.
 */
typedef enum {
  NATTER_ERROR_FAILED,
  NATTER_ERROR_NO_SECRET_SERVICE,
  NATTER_ERROR_INVALID_JID,
  NATTER_ERROR_EXISTS,
  NATTER_ERROR_INVALID_SETTING,
  NATTER_ERROR_NOT_CONNECTED,
  NATTER_ERROR_NO_PASSWORD,
} NatterError;

GQuark  natter_error_quark       (void);
char   *natter_error_dup_message (const GError *error,
                                  const char   *domain) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
