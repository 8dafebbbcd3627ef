/* natter-test-notifications.c: a desktop notification server that records
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test session has no desktop, so nothing owns
 * org.freedesktop.Notifications.  This owns it on the session bus and
 * keeps what applications show, so a test can check what reached the
 * desktop (summary, body, the default action) and what was closed again
 * — the notifications as the user would see them, not the application's
 * idea of them.
 */
#include "config.h"

#include "natter-test-notifications.h"

#include <string.h>

typedef struct {
  guint32  id;
  char    *summary;
  char    *body;
} Shown;

struct _NatterTestNotifications
{
  GDBusConnection *bus;
  guint            owner_id;
  guint            object_id;
  guint32          next_id;
  GPtrArray       *shown;  /* Shown, open ones only */
  gboolean         owned;
};

static const char introspection[] =
  "<node>"
  " <interface name='org.freedesktop.Notifications'>"
  "  <method name='Notify'>"
  "   <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "   <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "   <arg type='u' direction='out'/>"
  "  </method>"
  "  <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "  <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "  <method name='GetServerInformation'>"
  "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "  </method>"
  "  <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  " </interface>"
  "</node>";

static void
shown_free (Shown *shown)
{
  g_free (shown->summary);
  g_free (shown->body);
  g_free (shown);
}

static void
close_id (NatterTestNotifications *self,
          guint32                  id)
{
  for (guint i = 0; i < self->shown->len; i++)
    if (((Shown *) g_ptr_array_index (self->shown, i))->id == id)
      {
        g_ptr_array_remove_index (self->shown, i);
        return;
      }
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  NatterTestNotifications *self = user_data;

  if (g_strcmp0 (method_name, "Notify") == 0)
    {
      const char *summary;
      const char *body;
      guint32 replaces;
      Shown *shown;

      g_variant_get (parameters, "(&su&s&s&s^a&sa{sv}i)", NULL, &replaces, NULL, &summary, &body,
                     NULL, NULL, NULL);
      if (replaces != 0)
        close_id (self, replaces);
      shown = g_new0 (Shown, 1);
      shown->id = replaces != 0 ? replaces : ++self->next_id;
      shown->summary = g_strdup (summary);
      shown->body = g_strdup (body);
      g_ptr_array_add (self->shown, shown);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", shown->id));
    }
  else if (g_strcmp0 (method_name, "CloseNotification") == 0)
    {
      guint32 id;

      g_variant_get (parameters, "(u)", &id);
      close_id (self, id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_strcmp0 (method_name, "GetCapabilities") == 0)
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "natter-test", "Natter",
                                                          "1", "1.2"));
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((NatterTestNotifications *) user_data)->owned = TRUE;
}

/**
 * natter_test_notifications_start:
 *
 * Owns org.freedesktop.Notifications on the session bus.
 *
 * Returns: (transfer full): the server, once it owns the name
 */
NatterTestNotifications *
natter_test_notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { method_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  NatterTestNotifications *self = g_new0 (NatterTestNotifications, 1);

  self->shown = g_ptr_array_new_with_free_func ((GDestroyNotify) shown_free);
  self->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (introspection, &error);
  g_assert_no_error (error);
  self->object_id = g_dbus_connection_register_object (self->bus, "/org/freedesktop/Notifications",
                                                       info->interfaces[0], &vtable, self, NULL,
                                                       &error);
  g_assert_no_error (error);
  self->owner_id = g_bus_own_name_on_connection (self->bus, "org.freedesktop.Notifications",
                                                 G_BUS_NAME_OWNER_FLAGS_REPLACE,
                                                 name_acquired_cb, NULL, self, NULL);
  while (!self->owned)
    g_main_context_iteration (NULL, TRUE);
  return self;
}

/**
 * natter_test_notifications_free:
 * @self: the server
 *
 * Gives the name up.
 */
void
natter_test_notifications_free (NatterTestNotifications *self)
{
  g_bus_unown_name (self->owner_id);
  g_dbus_connection_unregister_object (self->bus, self->object_id);
  g_object_unref (self->bus);
  g_ptr_array_unref (self->shown);
  g_free (self);
}

/**
 * natter_test_notifications_lookup:
 * @self: the server
 * @summary_part: text the summary contains
 * @body: (out) (optional) (transfer full): the body of the notification
 *
 * Returns: whether an open notification's summary contains @summary_part
 */
gboolean
natter_test_notifications_lookup (NatterTestNotifications  *self,
                                  const char               *summary_part,
                                  char                    **body)
{
  for (guint i = 0; i < self->shown->len; i++)
    {
      Shown *shown = g_ptr_array_index (self->shown, i);

      if (strstr (shown->summary, summary_part) != NULL)
        {
          if (body != NULL)
            *body = g_strdup (shown->body);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * natter_test_notifications_count:
 * @self: the server
 *
 * Returns: how many notifications are open
 */
guint
natter_test_notifications_count (NatterTestNotifications *self)
{
  return self->shown->len;
}
