/* natter-block-dialog.c: asking before a contact is blocked
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Blocking cuts a contact off on every device, so the contact details and
 * the conversation menu both ask first, with the same words.
 */
#include "config.h"

#include "natter-block-dialog.h"

#include <glib/gi18n.h>

/**
 * natter_block_dialog_new:
 * @parent: the window it belongs to
 * @name: the contact's name, or their address
 *
 * The question, with the responses "cancel" (the default) and "block";
 * the caller connects to ::response and presents it.
 *
 * Returns: (transfer none): the dialog, owned by GTK's window list
 */
AdwMessageDialog *
natter_block_dialog_new (GtkWindow  *parent,
                         const char *name)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  /* TRANSLATORS: %s is a contact's name, or an address */
  heading = g_strdup_printf (_("Block %s?"), name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, NULL));
  adw_message_dialog_set_body (dialog,
                               _("Nothing they send reaches any of your devices, and they no "
                                 "longer see when you are online. You can unblock them later."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "block", _("_Block"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "block", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}
