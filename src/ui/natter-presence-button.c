/* natter-presence-button.c: the own presence and status message
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A menu button whose icon shows how available the user is, with a
 * popover to choose the availability and status message for all accounts
 * or for one.  The choice goes through app.set-presence, so the keyboard,
 * the tests and this popover all take the same path.
 */
#include "config.h"

#include "natter-presence-button.h"

#include <glib/gi18n.h>

#include "natter-presence-display.h"

struct _NatterPresenceButton
{
  AdwBin              parent_instance;

  NatterAccountList  *accounts;
  GPtrArray          *watched;        /* NatterAccount * */
  GPtrArray          *target_jids;    /* char *, "" for all accounts */
  GtkStringList      *target_names;
  NatterPresenceShow  show;

  GtkMenuButton      *menu_button;
  GtkImage           *icon;
  GtkPopover         *popover;
  GtkDropDown        *target_dropdown;
  GtkListBox         *show_list;
  GtkEntry           *status_entry;
};

G_DEFINE_FINAL_TYPE (NatterPresenceButton, natter_presence_button, ADW_TYPE_BIN)

/* The choices offered, in this order. */
static const NatterPresenceShow choices[] = {
  NATTER_PRESENCE_SHOW_AVAILABLE,
  NATTER_PRESENCE_SHOW_AWAY,
  NATTER_PRESENCE_SHOW_DND,
  NATTER_PRESENCE_SHOW_OFFLINE,
};

/* How available a show is, to pick what the button shows for several
 * accounts: the most available of them. */
static int
availability (NatterPresenceShow show)
{
  switch (show)
    {
    case NATTER_PRESENCE_SHOW_CHAT:
    case NATTER_PRESENCE_SHOW_AVAILABLE:
      return 3;
    case NATTER_PRESENCE_SHOW_AWAY:
    case NATTER_PRESENCE_SHOW_XA:
      return 2;
    case NATTER_PRESENCE_SHOW_DND:
      return 1;
    case NATTER_PRESENCE_SHOW_OFFLINE:
    default:
      return 0;
    }
}

static NatterAccount *
selected_account (NatterPresenceButton *self)
{
  guint selected = gtk_drop_down_get_selected (self->target_dropdown);
  const char *jid;

  if (self->accounts == NULL || selected == GTK_INVALID_LIST_POSITION ||
      selected >= self->target_jids->len)
    return NULL;
  jid = g_ptr_array_index (self->target_jids, selected);
  if (jid[0] == '\0')
    return NULL;
  return natter_account_list_lookup (self->accounts, jid);
}

static const char *
selected_jid (NatterPresenceButton *self)
{
  guint selected = gtk_drop_down_get_selected (self->target_dropdown);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->target_jids->len)
    return "";
  return g_ptr_array_index (self->target_jids, selected);
}

/* The show and status the popover starts from: the selected account's, or
 * for all accounts those of the first one. */
static NatterAccount *
reference_account (NatterPresenceButton *self)
{
  NatterAccount *account = selected_account (self);

  if (account == NULL && self->watched->len > 0)
    account = g_ptr_array_index (self->watched, 0);
  return account;
}

static void
update_checks (NatterPresenceButton *self)
{
  NatterAccount *account = reference_account (self);
  NatterPresenceShow current = account != NULL ? natter_account_get_show (account)
                                               : NATTER_PRESENCE_SHOW_OFFLINE;

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->show_list, i);
      GtkWidget *check;

      /* The rows are made after the drop-down first reports a selection. */
      if (row == NULL)
        return;
      check = g_object_get_data (G_OBJECT (row), "natter-check");
      gtk_widget_set_opacity (check, availability (choices[i]) == availability (current) ? 1 : 0);
    }
}

static void
update_icon (NatterPresenceButton *self)
{
  NatterPresenceShow best = NATTER_PRESENCE_SHOW_OFFLINE;
  g_autofree char *tooltip = NULL;

  for (guint i = 0; i < self->watched->len; i++)
    {
      NatterAccount *account = g_ptr_array_index (self->watched, i);
      NatterPresenceShow show = natter_account_get_show (account);

      if (natter_account_get_enabled (account) && availability (show) > availability (best))
        best = show;
    }

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->icon),
                                 natter_presence_show_get_css_class (choices[i]));
  gtk_image_set_from_icon_name (self->icon, natter_presence_show_get_icon_name (best));
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), natter_presence_show_get_css_class (best));

  /* TRANSLATORS: the tooltip of the status button; %s is e.g. "Away" */
  tooltip = g_strdup_printf (_("Set Status (%s)"), natter_presence_show_get_label (best));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), tooltip);

  self->show = best;
}

static void
account_notify_cb (NatterPresenceButton *self)
{
  update_icon (self);
  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    update_checks (self);
}

static void
rebuild_targets (NatterPresenceButton *self)
{
  g_autofree char *previous = g_strdup (self->target_jids->len > 0 ? selected_jid (self) : "");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n = self->watched->len;
  guint selected = 0;

  g_ptr_array_set_size (self->target_jids, 0);
  g_ptr_array_add (self->target_jids, g_strdup (""));
  g_ptr_array_add (names, g_strdup (_("All Accounts")));
  for (guint i = 0; i < n; i++)
    {
      NatterAccount *account = g_ptr_array_index (self->watched, i);

      if (g_strcmp0 (previous, natter_account_get_jid (account)) == 0)
        selected = i + 1;
      g_ptr_array_add (self->target_jids, g_strdup (natter_account_get_jid (account)));
      g_ptr_array_add (names, natter_account_dup_title (account));
    }
  g_ptr_array_add (names, NULL);

  gtk_string_list_splice (self->target_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->target_names)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->target_dropdown, selected);
  gtk_widget_set_visible (GTK_WIDGET (self->target_dropdown), n > 1);
}

static void
account_title_cb (NatterPresenceButton *self)
{
  rebuild_targets (self);
}

static void
unwatch_all (NatterPresenceButton *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
accounts_changed_cb (NatterPresenceButton *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  unwatch_all (self);
  for (guint i = 0; i < n; i++)
    {
      NatterAccount *account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      g_signal_connect_swapped (account, "notify::show", G_CALLBACK (account_notify_cb), self);
      g_signal_connect_swapped (account, "notify::status", G_CALLBACK (account_notify_cb), self);
      g_signal_connect_swapped (account, "notify::enabled", G_CALLBACK (account_notify_cb), self);
      g_signal_connect_swapped (account, "notify::display-name",
                                G_CALLBACK (account_title_cb), self);
      g_ptr_array_add (self->watched, account);
    }
  rebuild_targets (self);
  update_icon (self);
}

static void
apply (NatterPresenceButton *self,
       NatterPresenceShow    show)
{
  const char *status = gtk_editable_get_text (GTK_EDITABLE (self->status_entry));

  gtk_widget_activate_action (GTK_WIDGET (self), "app.set-presence", "(sss)",
                              selected_jid (self), natter_presence_show_to_nick (show), status);
  gtk_popover_popdown (self->popover);
}

static void
on_show_list_row_activated_cb (NatterPresenceButton *self,
                               GtkListBoxRow        *row)
{
  apply (self, choices[gtk_list_box_row_get_index (row)]);
}

static void
on_status_entry_activate_cb (NatterPresenceButton *self)
{
  NatterAccount *account = reference_account (self);
  NatterPresenceShow show = account != NULL ? natter_account_get_show (account)
                                            : NATTER_PRESENCE_SHOW_AVAILABLE;

  /* A status message is for people who can see it. */
  if (show == NATTER_PRESENCE_SHOW_OFFLINE)
    show = NATTER_PRESENCE_SHOW_AVAILABLE;
  apply (self, show);
}

static void
on_status_entry_icon_release_cb (NatterPresenceButton *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->status_entry), "");
}

static void
refresh_popover (NatterPresenceButton *self)
{
  NatterAccount *account = reference_account (self);
  const char *status = account != NULL ? natter_account_get_status (account) : NULL;

  gtk_editable_set_text (GTK_EDITABLE (self->status_entry), status != NULL ? status : "");
  update_checks (self);
}

static void
on_popover_show_cb (NatterPresenceButton *self)
{
  refresh_popover (self);
}

static void
on_target_dropdown_selected_cb (NatterPresenceButton *self)
{
  refresh_popover (self);
}

static GtkWidget *
create_choice_row (NatterPresenceShow show)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (natter_presence_show_get_icon_name (show));
  GtkWidget *label = gtk_label_new (natter_presence_show_get_label (show));
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_widget_add_css_class (icon, natter_presence_show_get_css_class (show));
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_opacity (check, 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Current"), -1);
  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "natter-check", check);
  return row;
}

static void
natter_presence_button_dispose (GObject *object)
{
  NatterPresenceButton *self = NATTER_PRESENCE_BUTTON (object);

  if (self->watched != NULL)
    unwatch_all (self);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->accounts);
  /* The menu button is both AdwBin's child and a template child: AdwBin
   * lets go of it first, so the template does not unparent it behind
   * AdwBin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_PRESENCE_BUTTON);
  g_clear_object (&self->target_names);

  G_OBJECT_CLASS (natter_presence_button_parent_class)->dispose (object);
}

static void
natter_presence_button_finalize (GObject *object)
{
  NatterPresenceButton *self = NATTER_PRESENCE_BUTTON (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->target_jids, g_ptr_array_unref);

  G_OBJECT_CLASS (natter_presence_button_parent_class)->finalize (object);
}

static void
natter_presence_button_class_init (NatterPresenceButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_presence_button_dispose;
  object_class->finalize = natter_presence_button_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-presence-button.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterPresenceButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, NatterPresenceButton, icon);
  gtk_widget_class_bind_template_child (widget_class, NatterPresenceButton, popover);
  gtk_widget_class_bind_template_child (widget_class, NatterPresenceButton, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NatterPresenceButton, show_list);
  gtk_widget_class_bind_template_child (widget_class, NatterPresenceButton, status_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_target_dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_status_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_status_entry_icon_release_cb);
}

static void
natter_presence_button_init (NatterPresenceButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->target_jids = g_ptr_array_new_with_free_func (g_free);
  self->target_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->target_dropdown, G_LIST_MODEL (self->target_names));
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    gtk_list_box_append (self->show_list, create_choice_row (choices[i]));
  update_icon (self);
}

/**
 * natter_presence_button_set_accounts:
 * @self: a presence button
 * @accounts: the accounts whose presence the button shows and sets
 */
void
natter_presence_button_set_accounts (NatterPresenceButton *self,
                                     NatterAccountList    *accounts)
{
  g_return_if_fail (NATTER_IS_PRESENCE_BUTTON (self));
  g_return_if_fail (NATTER_IS_ACCOUNT_LIST (accounts));

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_set_object (&self->accounts, accounts);
  g_signal_connect_swapped (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self);
  accounts_changed_cb (self);
}

/**
 * natter_presence_button_get_show:
 * @self: a presence button
 *
 * Returns: the availability the button shows: the most available of the
 *   enabled accounts
 */
NatterPresenceShow
natter_presence_button_get_show (NatterPresenceButton *self)
{
  g_return_val_if_fail (NATTER_IS_PRESENCE_BUTTON (self), NATTER_PRESENCE_SHOW_OFFLINE);

  return self->show;
}
