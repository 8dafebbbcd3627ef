/* natter-resource.c: one online device of a contact
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-resource.h"

#include <string.h>

#include "xmpp/xmpp.h"

#include "natter-core-enums.h"
#include "natter-resource-private.h"

/**
 * NatterResource:
 *
 * What one resource (a device or client) of a contact last announced
 * with its presence.  The object stays the same while the resource is
 * online; its properties change with its presence.
 */
struct _NatterResource
{
  GObject             parent_instance;

  char               *jid;
  NatterPresenceShow  show;
  char               *status;
  int                 priority;
};

G_DEFINE_FINAL_TYPE (NatterResource, natter_resource, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JID,
  PROP_RESOURCE,
  PROP_SHOW,
  PROP_STATUS,
  PROP_PRIORITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NatterPresenceShow
natter_presence_show_from_xmpp (XmppPresenceShow show)
{
  switch (show)
    {
    case XMPP_PRESENCE_SHOW_CHAT:
      return NATTER_PRESENCE_SHOW_CHAT;
    case XMPP_PRESENCE_SHOW_AWAY:
      return NATTER_PRESENCE_SHOW_AWAY;
    case XMPP_PRESENCE_SHOW_XA:
      return NATTER_PRESENCE_SHOW_XA;
    case XMPP_PRESENCE_SHOW_DND:
      return NATTER_PRESENCE_SHOW_DND;
    case XMPP_PRESENCE_SHOW_AVAILABLE:
    default:
      return NATTER_PRESENCE_SHOW_AVAILABLE;
    }
}

XmppPresenceShow
natter_presence_show_to_xmpp (NatterPresenceShow show)
{
  switch (show)
    {
    case NATTER_PRESENCE_SHOW_CHAT:
      return XMPP_PRESENCE_SHOW_CHAT;
    case NATTER_PRESENCE_SHOW_AWAY:
      return XMPP_PRESENCE_SHOW_AWAY;
    case NATTER_PRESENCE_SHOW_XA:
      return XMPP_PRESENCE_SHOW_XA;
    case NATTER_PRESENCE_SHOW_DND:
      return XMPP_PRESENCE_SHOW_DND;
    case NATTER_PRESENCE_SHOW_OFFLINE:
    case NATTER_PRESENCE_SHOW_AVAILABLE:
    default:
      return XMPP_PRESENCE_SHOW_AVAILABLE;
    }
}

static void
natter_resource_finalize (GObject *object)
{
  NatterResource *self = NATTER_RESOURCE (object);

  g_clear_pointer (&self->jid, g_free);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (natter_resource_parent_class)->finalize (object);
}

static void
natter_resource_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  NatterResource *self = NATTER_RESOURCE (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;

    case PROP_RESOURCE:
      g_value_set_string (value, natter_resource_get_resource (self));
      break;

    case PROP_SHOW:
      g_value_set_enum (value, self->show);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_PRIORITY:
      g_value_set_int (value, self->priority);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_resource_class_init (NatterResourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = natter_resource_finalize;
  object_class->get_property = natter_resource_get_property;

  /**
   * NatterResource:jid:
   *
   * The full JID of the resource.
   */
  properties[PROP_JID] =
    g_param_spec_string ("jid", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterResource:resource:
   *
   * The resource part of #NatterResource:jid, or %NULL for an entity that
   * sends presence from its bare JID.
   */
  properties[PROP_RESOURCE] =
    g_param_spec_string ("resource", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterResource:show:
   *
   * How available the resource says it is; never
   * %NATTER_PRESENCE_SHOW_OFFLINE.
   */
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL,
                       NATTER_TYPE_PRESENCE_SHOW,
                       NATTER_PRESENCE_SHOW_AVAILABLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterResource:status:
   *
   * The status message the resource sent, or %NULL.  It comes from the
   * contact: show it as text, never as markup.
   */
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterResource:priority:
   *
   * The priority of the resource (RFC 6121 §4.7.2.3).
   */
  properties[PROP_PRIORITY] =
    g_param_spec_int ("priority", NULL, NULL,
                      -128, 127, 0,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_resource_init (NatterResource *self)
{
  self->show = NATTER_PRESENCE_SHOW_AVAILABLE;
}

NatterResource *
natter_resource_new (XmppPresenceResource *resource)
{
  NatterResource *self;

  g_return_val_if_fail (resource != NULL, NULL);

  self = g_object_new (NATTER_TYPE_RESOURCE, NULL);
  self->jid = g_strdup (xmpp_jid_to_string (xmpp_presence_resource_get_jid (resource)));
  natter_resource_update (self, resource);
  return self;
}

void
natter_resource_update (NatterResource       *self,
                        XmppPresenceResource *resource)
{
  NatterPresenceShow show;
  const char *status;
  int priority;

  g_return_if_fail (NATTER_IS_RESOURCE (self));
  g_return_if_fail (resource != NULL);

  show = natter_presence_show_from_xmpp (xmpp_presence_resource_get_show (resource));
  status = xmpp_presence_resource_get_status (resource);
  priority = xmpp_presence_resource_get_priority (resource);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->show != show)
    {
      self->show = show;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
    }
  if (g_strcmp0 (self->status, status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (self->priority != priority)
    {
      self->priority = priority;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIORITY]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * natter_resource_get_jid:
 * @self: a resource
 *
 * Returns: the full JID of the resource
 */
const char *
natter_resource_get_jid (NatterResource *self)
{
  g_return_val_if_fail (NATTER_IS_RESOURCE (self), NULL);

  return self->jid;
}

/**
 * natter_resource_get_resource:
 * @self: a resource
 *
 * Returns: (nullable): the resource part of the JID
 */
const char *
natter_resource_get_resource (NatterResource *self)
{
  const char *slash;

  g_return_val_if_fail (NATTER_IS_RESOURCE (self), NULL);

  /* A resource part may itself contain slashes; the first one ends the
   * bare JID (RFC 7622 §3.1). */
  slash = strchr (self->jid, '/');
  return slash != NULL ? slash + 1 : NULL;
}

/**
 * natter_resource_get_show:
 * @self: a resource
 *
 * Returns: how available the resource is
 */
NatterPresenceShow
natter_resource_get_show (NatterResource *self)
{
  g_return_val_if_fail (NATTER_IS_RESOURCE (self), NATTER_PRESENCE_SHOW_OFFLINE);

  return self->show;
}

/**
 * natter_resource_get_status:
 * @self: a resource
 *
 * Returns: (nullable): the status message
 */
const char *
natter_resource_get_status (NatterResource *self)
{
  g_return_val_if_fail (NATTER_IS_RESOURCE (self), NULL);

  return self->status;
}

/**
 * natter_resource_get_priority:
 * @self: a resource
 *
 * Returns: the priority
 */
int
natter_resource_get_priority (NatterResource *self)
{
  g_return_val_if_fail (NATTER_IS_RESOURCE (self), 0);

  return self->priority;
}
