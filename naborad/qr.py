"""QR codes as inline SVG (no inline styles, so the CSP holds)."""
import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(url: str, title: str) -> Markup:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    # The SVG is generated here from our own URL (escaped by the library), never from user text.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(title)}" class="qr" ', 1)
    return Markup(svg)  # noqa: S704 - generated markup, see above
