/* natter-presence-display.c: words and icons for presence and account states
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-presence-display.h"

#include <glib/gi18n.h>
#include <string.h>

static const struct {
  NatterPresenceShow  show;
  const char         *nick;
  const char         *icon_name;
  const char         *css_class;
} shows[] = {
  { NATTER_PRESENCE_SHOW_OFFLINE, "offline", "user-offline-symbolic", "presence-offline" },
  { NATTER_PRESENCE_SHOW_AVAILABLE, "available", "user-available-symbolic", "presence-available" },
  { NATTER_PRESENCE_SHOW_CHAT, "chat", "user-available-symbolic", "presence-available" },
  { NATTER_PRESENCE_SHOW_AWAY, "away", "user-away-symbolic", "presence-away" },
  { NATTER_PRESENCE_SHOW_XA, "xa", "user-away-symbolic", "presence-away" },
  { NATTER_PRESENCE_SHOW_DND, "dnd", "user-busy-symbolic", "presence-busy" },
};

static guint
index_of (NatterPresenceShow show)
{
  for (guint i = 0; i < G_N_ELEMENTS (shows); i++)
    if (shows[i].show == show)
      return i;
  return 0;
}

/**
 * natter_presence_show_get_icon_name:
 * @show: an availability
 *
 * Returns: the symbolic icon for @show
 */
const char *
natter_presence_show_get_icon_name (NatterPresenceShow show)
{
  return shows[index_of (show)].icon_name;
}

/**
 * natter_presence_show_get_css_class:
 * @show: an availability
 *
 * Returns: the style class that colours @show's icon (style.css)
 */
const char *
natter_presence_show_get_css_class (NatterPresenceShow show)
{
  return shows[index_of (show)].css_class;
}

/**
 * natter_presence_show_apply:
 * @image: a #GtkImage
 * @show: an availability
 *
 * Makes @image show @show: its icon, its colour, and its name for screen
 * readers.
 */
void
natter_presence_show_apply (GtkImage           *image,
                            NatterPresenceShow  show)
{
  g_return_if_fail (GTK_IS_IMAGE (image));

  for (guint i = 0; i < G_N_ELEMENTS (shows); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (image), shows[i].css_class);
  gtk_widget_add_css_class (GTK_WIDGET (image), natter_presence_show_get_css_class (show));
  gtk_image_set_from_icon_name (image, natter_presence_show_get_icon_name (show));
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  natter_presence_show_get_label (show),
                                  -1);
}

/**
 * natter_presence_show_to_nick:
 * @show: an availability
 *
 * Returns: the name of @show in action parameters
 */
const char *
natter_presence_show_to_nick (NatterPresenceShow show)
{
  return shows[index_of (show)].nick;
}

/**
 * natter_presence_show_from_nick:
 * @nick: a name from natter_presence_show_to_nick()
 * @show: (out): the availability
 *
 * Returns: %TRUE if @nick names an availability
 */
gboolean
natter_presence_show_from_nick (const char         *nick,
                                NatterPresenceShow *show)
{
  g_return_val_if_fail (nick != NULL, FALSE);
  g_return_val_if_fail (show != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (shows); i++)
    if (strcmp (shows[i].nick, nick) == 0)
      {
        *show = shows[i].show;
        return TRUE;
      }
  return FALSE;
}

/**
 * natter_presence_show_get_label:
 * @show: an availability
 *
 * Returns: @show in words
 */
const char *
natter_presence_show_get_label (NatterPresenceShow show)
{
  switch (show)
    {
    case NATTER_PRESENCE_SHOW_AVAILABLE:
      return _("Available");
    case NATTER_PRESENCE_SHOW_CHAT:
      return _("Free to Chat");
    case NATTER_PRESENCE_SHOW_AWAY:
      return _("Away");
    case NATTER_PRESENCE_SHOW_XA:
      return _("Away for a While");
    case NATTER_PRESENCE_SHOW_DND:
      return _("Do Not Disturb");
    case NATTER_PRESENCE_SHOW_OFFLINE:
    default:
      return _("Offline");
    }
}

/**
 * natter_account_state_get_label:
 * @state: an account state
 *
 * Returns: @state in words
 */
const char *
natter_account_state_get_label (NatterAccountState state)
{
  switch (state)
    {
    case NATTER_ACCOUNT_STATE_CONNECTING:
      return _("Connecting…");
    case NATTER_ACCOUNT_STATE_ONLINE:
      return _("Online");
    case NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT:
      return _("Waiting to reconnect");
    case NATTER_ACCOUNT_STATE_NEEDS_PASSWORD:
      return _("Needs the password");
    case NATTER_ACCOUNT_STATE_ERROR:
      return _("Not connected");
    case NATTER_ACCOUNT_STATE_OFFLINE:
    default:
      return _("Offline");
    }
}

/**
 * natter_account_dup_title:
 * @account: an account
 *
 * Returns: (transfer full): the name the user gave the account, or its JID
 */
char *
natter_account_dup_title (NatterAccount *account)
{
  const char *name;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);

  name = natter_account_get_display_name (account);
  if (name != NULL && name[0] != '\0')
    return g_strdup (name);
  return g_strdup (natter_account_get_jid (account));
}

/**
 * natter_contact_dup_subscription_description:
 * @contact: a contact
 *
 * Returns: (transfer full): who sees whose presence, in words
 */
char *
natter_contact_dup_subscription_description (NatterContact *contact)
{
  gboolean pending_out;

  g_return_val_if_fail (NATTER_IS_CONTACT (contact), NULL);

  if (natter_contact_get_pending_in (contact))
    return g_strdup (_("Wants to see your presence"));

  pending_out = natter_contact_get_pending_out (contact);
  switch (natter_contact_get_subscription (contact))
    {
    case NATTER_SUBSCRIPTION_BOTH:
      return g_strdup (_("You see each other’s presence"));
    case NATTER_SUBSCRIPTION_TO:
      return g_strdup (_("You see their presence; they do not see yours"));
    case NATTER_SUBSCRIPTION_FROM:
      if (pending_out)
        return g_strdup (_("They see your presence; you asked to see theirs"));
      return g_strdup (_("They see your presence; you do not see theirs"));
    case NATTER_SUBSCRIPTION_NONE:
    default:
      if (pending_out)
        return g_strdup (_("You asked to see their presence"));
      return g_strdup (_("Neither of you sees the other’s presence"));
    }
}
