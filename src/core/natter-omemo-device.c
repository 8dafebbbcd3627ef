/* natter-omemo-device.c: one OMEMO device of a contact or of the account, for the interface
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-omemo-device.h"

#include "natter-core-enums.h"
#include "natter-omemo-private.h"

/**
 * NatterOmemoDevice:
 *
 * One device in a person's OMEMO device list (or one that wrote to us),
 * as natter_omemo_get_devices() lists them.  Its owner #NatterOmemo
 * updates the properties in place and notifies each that changed.
 */
struct _NatterOmemoDevice
{
  GObject           parent_instance;

  char             *jid;
  guint32           device_id;
  char             *fingerprint;
  NatterOmemoTrust  trust;
  gboolean          active;
  gint64            last_seen;
  gboolean          own;
  char             *problem;
};

G_DEFINE_FINAL_TYPE (NatterOmemoDevice, natter_omemo_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JID,
  PROP_DEVICE_ID,
  PROP_FINGERPRINT,
  PROP_TRUST,
  PROP_ACTIVE,
  PROP_LAST_SEEN,
  PROP_OWN,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
natter_omemo_device_finalize (GObject *object)
{
  NatterOmemoDevice *self = NATTER_OMEMO_DEVICE (object);

  g_clear_pointer (&self->jid, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (natter_omemo_device_parent_class)->finalize (object);
}

static void
natter_omemo_device_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NatterOmemoDevice *self = NATTER_OMEMO_DEVICE (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;
    case PROP_DEVICE_ID:
      g_value_set_uint (value, self->device_id);
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_TRUST:
      g_value_set_enum (value, self->trust);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen);
      break;
    case PROP_OWN:
      g_value_set_boolean (value, self->own);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_omemo_device_class_init (NatterOmemoDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = natter_omemo_device_finalize;
  object_class->get_property = natter_omemo_device_get_property;

  /**
   * NatterOmemoDevice:jid:
   *
   * The bare JID the device belongs to.
   */
  properties[PROP_JID] = g_param_spec_string ("jid", NULL, NULL, NULL, flags);

  /**
   * NatterOmemoDevice:device-id:
   *
   * The device id, 1 to 2³¹ − 1.
   */
  properties[PROP_DEVICE_ID] = g_param_spec_uint ("device-id", NULL, NULL,
                                                  0, G_MAXUINT32, 0, flags);

  /**
   * NatterOmemoDevice:fingerprint:
   *
   * The fingerprint of the device's identity key: 64 lowercase hex
   * digits in 8 groups of 8 separated by spaces, or %NULL while its
   * bundle has not been fetched.
   */
  properties[PROP_FINGERPRINT] = g_param_spec_string ("fingerprint", NULL, NULL, NULL, flags);

  /**
   * NatterOmemoDevice:trust:
   *
   * How far the device's current identity key is trusted;
   * %NATTER_OMEMO_TRUST_UNDECIDED while it is unknown.
   */
  properties[PROP_TRUST] = g_param_spec_enum ("trust", NULL, NULL, NATTER_TYPE_OMEMO_TRUST,
                                              NATTER_OMEMO_TRUST_UNDECIDED, flags);

  /**
   * NatterOmemoDevice:active:
   *
   * Whether the device is in its owner's latest device list; messages
   * are encrypted only to active devices.
   */
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, flags);

  /**
   * NatterOmemoDevice:last-seen:
   *
   * When the device last appeared in a device list or used its key,
   * µs since the epoch; 0 if never.
   */
  properties[PROP_LAST_SEEN] = g_param_spec_int64 ("last-seen", NULL, NULL,
                                                   0, G_MAXINT64, 0, flags);

  /**
   * NatterOmemoDevice:own:
   *
   * Whether this is the device Natter runs on for this account.
   */
  properties[PROP_OWN] = g_param_spec_boolean ("own", NULL, NULL, FALSE, flags);

  /**
   * NatterOmemoDevice:problem:
   *
   * Why no session could be built with the device lately, in words for
   * the user — for example that its bundle shows another identity key
   * than before, which was refused — or %NULL.
   */
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_omemo_device_init (NatterOmemoDevice *self)
{
}

NatterOmemoDevice *
natter_omemo_device_new (const char *jid,
                         guint32     device_id,
                         gboolean    own)
{
  NatterOmemoDevice *self = g_object_new (NATTER_TYPE_OMEMO_DEVICE, NULL);

  self->jid = g_strdup (jid);
  self->device_id = device_id;
  self->own = own;
  return self;
}

void
natter_omemo_device_update (NatterOmemoDevice *self,
                            const char        *fingerprint,
                            NatterOmemoTrust   trust,
                            gboolean           active,
                            gint64             last_seen,
                            const char        *problem)
{
  g_return_if_fail (NATTER_IS_OMEMO_DEVICE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->fingerprint, fingerprint) != 0)
    {
      g_free (self->fingerprint);
      self->fingerprint = g_strdup (fingerprint);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGERPRINT]);
    }
  if (self->trust != trust)
    {
      self->trust = trust;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRUST]);
    }
  active = !!active;
  if (self->active != active)
    {
      self->active = active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }
  if (self->last_seen != last_seen)
    {
      self->last_seen = last_seen;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEEN]);
    }
  if (g_strcmp0 (self->problem, problem) != 0)
    {
      g_free (self->problem);
      self->problem = g_strdup (problem);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * natter_omemo_device_get_jid:
 * @self: a device
 *
 * Returns: the owner's bare JID
 */
const char *
natter_omemo_device_get_jid (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), NULL);
  return self->jid;
}

/**
 * natter_omemo_device_get_device_id:
 * @self: a device
 *
 * Returns: the device id
 */
guint32
natter_omemo_device_get_device_id (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), 0);
  return self->device_id;
}

/**
 * natter_omemo_device_get_fingerprint:
 * @self: a device
 *
 * Returns: (nullable): the fingerprint, see #NatterOmemoDevice:fingerprint
 */
const char *
natter_omemo_device_get_fingerprint (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), NULL);
  return self->fingerprint;
}

/**
 * natter_omemo_device_get_trust:
 * @self: a device
 *
 * Returns: the trust in its current key
 */
NatterOmemoTrust
natter_omemo_device_get_trust (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), NATTER_OMEMO_TRUST_UNDECIDED);
  return self->trust;
}

/**
 * natter_omemo_device_get_active:
 * @self: a device
 *
 * Returns: whether it is in the latest device list
 */
gboolean
natter_omemo_device_get_active (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), FALSE);
  return self->active;
}

/**
 * natter_omemo_device_get_last_seen:
 * @self: a device
 *
 * Returns: see #NatterOmemoDevice:last-seen
 */
gint64
natter_omemo_device_get_last_seen (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), 0);
  return self->last_seen;
}

/**
 * natter_omemo_device_get_own:
 * @self: a device
 *
 * Returns: whether it is this device
 */
gboolean
natter_omemo_device_get_own (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), FALSE);
  return self->own;
}

/**
 * natter_omemo_device_get_problem:
 * @self: a device
 *
 * Returns: (nullable): why no session could be built with it lately
 */
const char *
natter_omemo_device_get_problem (NatterOmemoDevice *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_DEVICE (self), NULL);
  return self->problem;
}
