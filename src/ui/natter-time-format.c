/* natter-time-format.c: how the interface writes times and days
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Times are stored as µs since the epoch in UTC and shown in local time.
 * The sidebar uses short relative forms (“now”, “5 min”, “14:32”,
 * “Yesterday”, “Mon”, “12 Nov”); the chat view writes clock times beside
 * messages and full days between them.
 */
#include "config.h"

#include "natter-time-format.h"

#include <glib/gi18n.h>

static GDateTime *
local_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return utc != NULL ? g_date_time_to_local (utc) : NULL;
}

/* Days between the local dates of @then and @now: 0 today, 1 yesterday. */
static int
days_between (GDateTime *then,
              GDateTime *now)
{
  g_autoptr(GDate) a = g_date_new_dmy (g_date_time_get_day_of_month (then),
                                       g_date_time_get_month (then),
                                       g_date_time_get_year (then));
  g_autoptr(GDate) b = g_date_new_dmy (g_date_time_get_day_of_month (now),
                                       g_date_time_get_month (now),
                                       g_date_time_get_year (now));

  return g_date_days_between (a, b);
}

/**
 * natter_time_format_clock:
 * @usec: a time, µs since the epoch
 *
 * Returns: (transfer full): the local time of day, e.g. “14:32”, in the
 *   user's 12- or 24-hour convention
 */
char *
natter_time_format_clock (gint64 usec)
{
  g_autoptr(GDateTime) time = local_time (usec);

  if (time == NULL)
    return g_strdup ("");
  /* TRANSLATORS: a time of day, see g_date_time_format(); use %I:%M %p
   * where clocks count to 12 */
  return g_date_time_format (time, C_("time of day", "%H:%M"));
}

/**
 * natter_time_format_relative:
 * @usec: a time, µs since the epoch
 * @now_usec: the current time
 *
 * Returns: (transfer full): @usec the way a conversation list shows it
 */
char *
natter_time_format_relative (gint64 usec,
                             gint64 now_usec)
{
  g_autoptr(GDateTime) time = local_time (usec);
  g_autoptr(GDateTime) now = local_time (now_usec);
  gint64 seconds = (now_usec - usec) / G_USEC_PER_SEC;
  int days;

  if (time == NULL || now == NULL)
    return g_strdup ("");
  if (seconds < 60)
    /* TRANSLATORS: a message arrived less than a minute ago */
    return g_strdup (C_("time", "now"));
  if (seconds < 60 * 60)
    /* TRANSLATORS: minutes since a message arrived, kept short */
    return g_strdup_printf (C_("time", "%d min"), (int) (seconds / 60));

  days = days_between (time, now);
  if (days <= 0)
    return natter_time_format_clock (usec);
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (days < 7)
    /* TRANSLATORS: a weekday, see g_date_time_format() */
    return g_date_time_format (time, C_("weekday", "%a"));
  if (g_date_time_get_year (time) == g_date_time_get_year (now))
    /* TRANSLATORS: a day of this year, see g_date_time_format() */
    return g_date_time_format (time, C_("day of this year", "%e %b"));
  /* TRANSLATORS: a day of another year, see g_date_time_format() */
  return g_date_time_format (time, C_("day of another year", "%e %b %Y"));
}

/**
 * natter_time_format_day:
 * @usec: a time, µs since the epoch
 * @now_usec: the current time
 *
 * Returns: (transfer full): the day of @usec as a separator between
 *   messages shows it: “Today”, “Yesterday”, “Monday”, “12 November”
 */
char *
natter_time_format_day (gint64 usec,
                        gint64 now_usec)
{
  g_autoptr(GDateTime) time = local_time (usec);
  g_autoptr(GDateTime) now = local_time (now_usec);
  int days;

  if (time == NULL || now == NULL)
    return g_strdup ("");
  days = days_between (time, now);
  if (days <= 0)
    return g_strdup (_("Today"));
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (days < 7)
    /* TRANSLATORS: a weekday in full, see g_date_time_format() */
    return g_date_time_format (time, C_("weekday", "%A"));
  if (g_date_time_get_year (time) == g_date_time_get_year (now))
    /* TRANSLATORS: a day of this year in full, see g_date_time_format() */
    return g_date_time_format (time, C_("day of this year", "%A, %e %B"));
  /* TRANSLATORS: a day of another year in full, see g_date_time_format() */
  return g_date_time_format (time, C_("day of another year", "%A, %e %B %Y"));
}

/**
 * natter_time_same_day:
 * @a_usec: a time
 * @b_usec: another time
 *
 * Returns: whether both fall on the same local day
 */
gboolean
natter_time_same_day (gint64 a_usec,
                      gint64 b_usec)
{
  g_autoptr(GDateTime) a = local_time (a_usec);
  g_autoptr(GDateTime) b = local_time (b_usec);

  return a != NULL && b != NULL && days_between (a, b) == 0;
}
