/* natter-omemo-device.h: one OMEMO device of a contact or of the account, for the interface
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * NatterOmemoTrust:
 * @NATTER_OMEMO_TRUST_UNDECIDED: the user has not decided; messages are
 *   not encrypted to the device until they do
 * @NATTER_OMEMO_TRUST_TRUSTED: trusted without verification (blind trust
 *   before verification, or the user's choice)
 * @NATTER_OMEMO_TRUST_VERIFIED: the user compared the fingerprint
 * @NATTER_OMEMO_TRUST_DISTRUSTED: the user refused the device's key
 *
 * How far a device's identity key is trusted.  The values are those of
 * the store's #NatterStoreOmemoTrust.
 */
typedef enum {
  NATTER_OMEMO_TRUST_UNDECIDED = 0,
  NATTER_OMEMO_TRUST_TRUSTED = 1,
  NATTER_OMEMO_TRUST_VERIFIED = 2,
  NATTER_OMEMO_TRUST_DISTRUSTED = 3,
} NatterOmemoTrust;

#define NATTER_TYPE_OMEMO_DEVICE (natter_omemo_device_get_type ())

G_DECLARE_FINAL_TYPE (NatterOmemoDevice, natter_omemo_device, NATTER, OMEMO_DEVICE, GObject)

const char       *natter_omemo_device_get_jid         (NatterOmemoDevice *self);
guint32           natter_omemo_device_get_device_id   (NatterOmemoDevice *self);
const char       *natter_omemo_device_get_fingerprint (NatterOmemoDevice *self);
NatterOmemoTrust  natter_omemo_device_get_trust       (NatterOmemoDevice *self);
gboolean          natter_omemo_device_get_active      (NatterOmemoDevice *self);
gint64            natter_omemo_device_get_last_seen   (NatterOmemoDevice *self);
gboolean          natter_omemo_device_get_own         (NatterOmemoDevice *self);
const char       *natter_omemo_device_get_problem     (NatterOmemoDevice *self);

G_END_DECLS
