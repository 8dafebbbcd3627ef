/* natter-omemo-error.h: error domain of OMEMO encryption
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NATTER_OMEMO_ERROR (natter_omemo_error_quark ())

/**
 * NatterOmemoError:
 * @NATTER_OMEMO_ERROR_FAILED: any other failure
 * @NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE: the message carries no key for this device
 * @NATTER_OMEMO_ERROR_NO_SESSION: there is no session with the sending device
 * @NATTER_OMEMO_ERROR_UNTRUSTED: the device is not trusted
 * @NATTER_OMEMO_ERROR_MALFORMED: the `<encrypted/>` element or key material is malformed
 * @NATTER_OMEMO_ERROR_AUTHENTICATION: the payload failed its authentication tag
 * @NATTER_OMEMO_ERROR_NO_DEVICES: there is no device to encrypt for
 * @NATTER_OMEMO_ERROR_DUPLICATE: the message was decrypted before (a replay
 *   or a copy that arrived twice)
 *
 * Errors of the OMEMO layer.
 */
typedef enum {
  NATTER_OMEMO_ERROR_FAILED,
  NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE,
  NATTER_OMEMO_ERROR_NO_SESSION,
  NATTER_OMEMO_ERROR_UNTRUSTED,
  NATTER_OMEMO_ERROR_MALFORMED,
  NATTER_OMEMO_ERROR_AUTHENTICATION,
  NATTER_OMEMO_ERROR_NO_DEVICES,
  NATTER_OMEMO_ERROR_DUPLICATE,
} NatterOmemoError;

GQuark natter_omemo_error_quark (void);

G_END_DECLS
