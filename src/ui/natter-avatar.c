/* natter-avatar.c: an avatar in the contact's consistent colour (XEP-0392)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AdwAvatar picks one of 14 colours from a hash of its text, so a contact's
 * colour would change with its name and differ from other clients.
 * XEP-0392 (Consistent Color Generation, version 0.8) derives the colour
 * from the JID instead: the hue from SHA-1, the colour from HSLuv with
 * full saturation and 50 % lightness, so every client shows a contact in
 * the same colour.  The colour is set on AdwAvatar's drawing node with a
 * style provider of its own.
 */
#include "config.h"

#include "natter-avatar.h"

#include <math.h>
#include <string.h>

struct _NatterAvatar
{
  GtkWidget       parent_instance;

  AdwAvatar      *avatar;
  GtkCssProvider *provider;
  char           *identity;
};

G_DEFINE_FINAL_TYPE (NatterAvatar, natter_avatar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_IDENTITY,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------
 * XEP-0392 §5
 * ------------------------------------------------------------------------ */

/**
 * natter_consistent_color_hue:
 * @identity: the identifier, e.g. a bare JID
 *
 * XEP-0392 §5.1: the first two bytes of the SHA-1 of @identity (UTF-8),
 * read as a little-endian 16-bit number, scaled to an angle.
 *
 * Returns: the hue angle in degrees, in [0, 360)
 */
double
natter_consistent_color_hue (const char *identity)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;

  g_return_val_if_fail (identity != NULL, 0.0);

  g_checksum_update (checksum, (const guchar *) identity, strlen (identity));
  g_checksum_get_digest (checksum, digest, &length);
  return (digest[0] | (digest[1] << 8)) / 65536.0 * 360.0;
}

/* HSLuv (https://www.hsluv.org/math/): CIE LCh(uv) with the chroma scaled
 * to the largest one sRGB can show at that lightness and hue. */
static const double xyz_to_rgb[3][3] = {
  {  3.240969941904521, -1.537383177570093, -0.498610760293    },
  { -0.96924363628087,   1.87596750150772,   0.041555057407175 },
  {  0.055630079696993, -0.20397695888897,   1.056971514242878 },
};
static const double ref_u = 0.19783000664283681;
static const double ref_v = 0.468319994938791;
static const double kappa = 903.2962962962963;
static const double epsilon = 0.0088564516790356308;

/* The largest chroma at lightness @l and hue @h (degrees) that stays in
 * sRGB: the nearest of the six lines bounding the gamut in (u, v). */
static double
max_chroma (double l,
            double h)
{
  double sub1 = pow (l + 16.0, 3.0) / 1560896.0;
  double sub2 = sub1 > epsilon ? sub1 : l / kappa;
  double hrad = h / 360.0 * 2.0 * G_PI;
  double result = G_MAXDOUBLE;

  for (int c = 0; c < 3; c++)
    {
      double m1 = xyz_to_rgb[c][0];
      double m2 = xyz_to_rgb[c][1];
      double m3 = xyz_to_rgb[c][2];

      for (int t = 0; t < 2; t++)
        {
          double top1 = (284517.0 * m1 - 94839.0 * m3) * sub2;
          double top2 = (838422.0 * m3 + 769860.0 * m2 + 731718.0 * m1) * l * sub2 -
                        769860.0 * t * l;
          double bottom = (632260.0 * m3 - 126452.0 * m2) * sub2 + 126452.0 * t;
          double slope = top1 / bottom;
          double intercept = top2 / bottom;
          double length = intercept / (sin (hrad) - slope * cos (hrad));

          if (length >= 0.0)
            result = MIN (result, length);
        }
    }
  return result;
}

static double
from_linear (double c)
{
  if (c <= 0.0031308)
    return 12.92 * c;
  return 1.055 * pow (c, 1.0 / 2.4) - 0.055;
}

static void
hsluv_to_rgb (double  h,
              double  s,
              double  l,
              double *rgb)
{
  double c;
  double u;
  double v;
  double var_u;
  double var_v;
  double x;
  double y;
  double z;

  if (l > 99.9999999)
    {
      rgb[0] = rgb[1] = rgb[2] = 1.0;
      return;
    }
  if (l < 0.00000001)
    {
      rgb[0] = rgb[1] = rgb[2] = 0.0;
      return;
    }

  /* HSLuv to LCh, LCh to Luv. */
  c = max_chroma (l, h) / 100.0 * s;
  u = c * cos (h / 360.0 * 2.0 * G_PI);
  v = c * sin (h / 360.0 * 2.0 * G_PI);

  /* Luv to XYZ, with the D65 white point (Y = 1). */
  var_u = u / (13.0 * l) + ref_u;
  var_v = v / (13.0 * l) + ref_v;
  y = l <= 8.0 ? l / kappa : pow ((l + 16.0) / 116.0, 3.0);
  x = -(9.0 * y * var_u) / ((var_u - 4.0) * var_v - var_u * var_v);
  z = (9.0 * y - 15.0 * var_v * y - var_v * x) / (3.0 * var_v);

  /* XYZ to sRGB. */
  for (int i = 0; i < 3; i++)
    {
      double linear = xyz_to_rgb[i][0] * x + xyz_to_rgb[i][1] * y + xyz_to_rgb[i][2] * z;

      rgb[i] = CLAMP (from_linear (linear), 0.0, 1.0);
    }
}

/**
 * natter_consistent_color_rgb:
 * @identity: the identifier, e.g. a bare JID
 * @rgba: (out caller-allocates): the colour
 *
 * XEP-0392 §5.3: the colour of @identity, HSLuv with the hue of
 * natter_consistent_color_hue(), saturation 100 and lightness 50.
 */
void
natter_consistent_color_rgb (const char *identity,
                             GdkRGBA    *rgba)
{
  double rgb[3];

  g_return_if_fail (identity != NULL);
  g_return_if_fail (rgba != NULL);

  hsluv_to_rgb (natter_consistent_color_hue (identity), 100.0, 50.0, rgb);
  rgba->red = rgb[0];
  rgba->green = rgb[1];
  rgba->blue = rgb[2];
  rgba->alpha = 1.0;
}

/* ------------------------------------------------------------------------
 * The widget
 * ------------------------------------------------------------------------ */

static void
update_color (NatterAvatar *self)
{
  GtkWidget *node = gtk_widget_get_first_child (GTK_WIDGET (self->avatar));
  g_autofree char *css = NULL;
  g_autofree char *color = NULL;
  GdkRGBA rgba;

  /* AdwAvatar draws its background on its one child, the "avatar" node. */
  if (node == NULL)
    return;

  if (self->provider == NULL)
    {
      self->provider = gtk_css_provider_new ();
      gtk_style_context_add_provider (gtk_widget_get_style_context (node),
                                      GTK_STYLE_PROVIDER (self->provider),
                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

  if (self->identity == NULL || self->identity[0] == '\0')
    {
      gtk_css_provider_load_from_data (self->provider, "", -1);
      return;
    }

  natter_consistent_color_rgb (self->identity, &rgba);
  color = gdk_rgba_to_string (&rgba);
  css = g_strdup_printf ("avatar { background-image: none; background-color: %s; color: white; }",
                         color);
  gtk_css_provider_load_from_data (self->provider, css, -1);
}

static void
natter_avatar_dispose (GObject *object)
{
  NatterAvatar *self = NATTER_AVATAR (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->avatar = NULL;
  g_clear_object (&self->provider);

  G_OBJECT_CLASS (natter_avatar_parent_class)->dispose (object);
}

static void
natter_avatar_finalize (GObject *object)
{
  NatterAvatar *self = NATTER_AVATAR (object);

  g_free (self->identity);

  G_OBJECT_CLASS (natter_avatar_parent_class)->finalize (object);
}

static void
natter_avatar_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NatterAvatar *self = NATTER_AVATAR (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, natter_avatar_get_text (self));
      break;

    case PROP_IDENTITY:
      g_value_set_string (value, self->identity);
      break;

    case PROP_SIZE:
      g_value_set_int (value, natter_avatar_get_size (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_avatar_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  NatterAvatar *self = NATTER_AVATAR (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      natter_avatar_set_text (self, g_value_get_string (value));
      break;

    case PROP_IDENTITY:
      natter_avatar_set_identity (self, g_value_get_string (value));
      break;

    case PROP_SIZE:
      natter_avatar_set_size (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_avatar_class_init (NatterAvatarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_avatar_dispose;
  object_class->finalize = natter_avatar_finalize;
  object_class->get_property = natter_avatar_get_property;
  object_class->set_property = natter_avatar_set_property;

  /**
   * NatterAvatar:text:
   *
   * The name whose initials the avatar shows.
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAvatar:identity:
   *
   * What the colour is derived from (XEP-0392), normally a bare JID;
   * %NULL for AdwAvatar's own colour.
   */
  properties[PROP_IDENTITY] =
    g_param_spec_string ("identity", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAvatar:size:
   *
   * The diameter in pixels.
   */
  properties[PROP_SIZE] =
    g_param_spec_int ("size", NULL, NULL,
                      -1, G_MAXINT, 32,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "natter-avatar");
}

static void
natter_avatar_init (NatterAvatar *self)
{
  self->avatar = ADW_AVATAR (adw_avatar_new (32, NULL, TRUE));
  gtk_widget_set_parent (GTK_WIDGET (self->avatar), GTK_WIDGET (self));
  update_color (self);
}

/**
 * natter_avatar_new:
 * @size: the diameter in pixels
 *
 * Returns: (transfer full): a new avatar
 */
GtkWidget *
natter_avatar_new (int size)
{
  return g_object_new (NATTER_TYPE_AVATAR, "size", size, NULL);
}

/**
 * natter_avatar_get_text:
 * @self: an avatar
 *
 * Returns: (nullable): the name shown as initials
 */
const char *
natter_avatar_get_text (NatterAvatar *self)
{
  g_return_val_if_fail (NATTER_IS_AVATAR (self), NULL);

  return adw_avatar_get_text (self->avatar);
}

/**
 * natter_avatar_set_text:
 * @self: an avatar
 * @text: (nullable): the name to show as initials
 */
void
natter_avatar_set_text (NatterAvatar *self,
                        const char   *text)
{
  g_return_if_fail (NATTER_IS_AVATAR (self));

  if (g_strcmp0 (adw_avatar_get_text (self->avatar), text) == 0)
    return;
  adw_avatar_set_text (self->avatar, text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/**
 * natter_avatar_get_identity:
 * @self: an avatar
 *
 * Returns: (nullable): what the colour is derived from
 */
const char *
natter_avatar_get_identity (NatterAvatar *self)
{
  g_return_val_if_fail (NATTER_IS_AVATAR (self), NULL);

  return self->identity;
}

/**
 * natter_avatar_set_identity:
 * @self: an avatar
 * @identity: (nullable): what the colour is derived from, normally a bare
 *   JID
 */
void
natter_avatar_set_identity (NatterAvatar *self,
                            const char   *identity)
{
  g_return_if_fail (NATTER_IS_AVATAR (self));

  if (g_strcmp0 (self->identity, identity) == 0)
    return;
  g_free (self->identity);
  self->identity = g_strdup (identity);
  update_color (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
}

/**
 * natter_avatar_get_size:
 * @self: an avatar
 *
 * Returns: the diameter in pixels
 */
int
natter_avatar_get_size (NatterAvatar *self)
{
  g_return_val_if_fail (NATTER_IS_AVATAR (self), 0);

  return adw_avatar_get_size (self->avatar);
}

/**
 * natter_avatar_set_size:
 * @self: an avatar
 * @size: the diameter in pixels
 */
void
natter_avatar_set_size (NatterAvatar *self,
                        int           size)
{
  g_return_if_fail (NATTER_IS_AVATAR (self));

  if (adw_avatar_get_size (self->avatar) == size)
    return;
  adw_avatar_set_size (self->avatar, size);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}
