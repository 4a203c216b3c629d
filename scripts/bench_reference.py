"""The bench's reference: a plain Flask + Flask-SQLAlchemy + Jinja thread page, and a bare "hello" route.

Fixed in the bench's first commit (issue 16, item 6) and never tuned afterwards: the bench divides every
page's CPU time by this page's, so the yardstick must not move. 30 posts with their authors' names from
2 queries (the posts, then their authors), no login, an 80-line layout, nothing cached.
"""
from datetime import datetime, timedelta, timezone

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

POSTS = 30

LAYOUT = """<!doctype html>
<html lang="nb">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="description" content="Intranettet til naborådet">
  <meta name="theme-color" content="#1d4e89">
  <meta name="referrer" content="same-origin">
  <title>{% block title %}{% endblock %} · Referanse</title>
  <link rel="stylesheet" href="/static/app.css">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
  <a class="skip" href="#main">Hopp til innholdet</a>
  <header class="site-header">
    <div class="wrap">
      <a class="brand" href="/">Referanse</a>
      <nav aria-label="Hovedmeny">
        <ul class="menu">
          <li><a href="/">Oversikt</a></li>
          <li><a href="/thread" aria-current="page">Saker</a></li>
          <li><a href="/">Møter</a></li>
          <li><a href="/">Arrangementer</a></li>
          <li><a href="/">Meld fra</a></li>
          <li><a href="/">Medlemmer</a></li>
        </ul>
      </nav>
      <form class="language" method="post" action="/">
        <label for="lang">Språk</label>
        <select id="lang" name="lang">
          <option value="nb" selected>Norsk bokmål</option>
          <option value="en">English</option>
        </select>
        <button type="submit">Bytt</button>
      </form>
      <div class="account">
        <a href="/">Varsler</a>
        <a href="/">Profil</a>
        <form method="post" action="/">
          <button type="submit">Logg ut</button>
        </form>
      </div>
    </div>
  </header>
  <div id="alerts" class="wrap" role="status" aria-live="polite"></div>
  <main id="main" class="wrap">
    <nav class="breadcrumbs" aria-label="Brødsmuler">
      <ol>
        <li><a href="/">Oversikt</a></li>
        <li><a href="/thread">Saker</a></li>
        <li aria-current="page">{{ self.title() }}</li>
      </ol>
    </nav>
    {% block content %}{% endblock %}
  </main>
  <footer class="site-footer">
    <div class="wrap">
      <p>Naborådet i Eksempelveien</p>
      <ul class="footer-links">
        <li><a href="/">Kontakt</a></li>
        <li><a href="/">Personvern</a></li>
        <li><a href="/">Tilgjengelighet</a></li>
      </ul>
      <address>
        Naborådet i Eksempelveien<br>
        c/o Botiltaket, Eksempelveien 12<br>
        3000 Drammen
      </address>
      <p class="small">Spørsmål om siden? Skriv til naboradet@example.org.</p>
      <p class="small">Vakttelefon hele døgnet: <a href="tel:+4732000000">32 00 00 00</a></p>
    </div>
  </footer>
  <script src="/static/app.js" defer></script>
</body>
</html>
"""

THREAD = """{% extends "layout.html" %}
{% block title %}Støy i bakgården{% endblock %}
{% block content %}
<h1>Støy i bakgården</h1>
<ol class="replies">
{% for post in posts %}
  <li class="reply" id="innlegg-{{ post.id }}">
    <p class="meta"><strong>{{ authors[post.author_id].name }}</strong>
      <time datetime="{{ post.created_at.isoformat() }}">{{ post.created_at.strftime("%d.%m.%Y %H:%M") }}</time></p>
    <div class="body">{{ post.body }}</div>
  </li>
{% endfor %}
</ol>
{% endblock %}
"""


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))


class Post(Base):
    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


def create_reference_app(sqlite_path: str) -> Flask:
    """The reference app on a SQLite file (created and filled here)."""
    app = Flask("bench_reference")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{sqlite_path}"
    app.jinja_loader = DictLoader({"layout.html": LAYOUT, "thread.html": THREAD})
    db = SQLAlchemy(app, model_class=Base)

    @app.get("/hello")
    def hello():
        return "Hello, world!"

    @app.get("/thread")
    def thread():
        posts = db.session.scalars(select(Post).order_by(Post.created_at, Post.id)).all()
        ids = {post.author_id for post in posts}
        authors = {a.id: a for a in db.session.scalars(select(Author).where(Author.id.in_(ids)))}
        return render_template("thread.html", posts=posts, authors=authors)

    with app.app_context():
        db.drop_all()
        db.create_all()
        authors = [Author(name=f"Nabo {n}") for n in range(6)]
        db.session.add_all(authors)
        db.session.flush()
        start = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
        db.session.add_all(Post(author_id=authors[n % 6].id, created_at=start + timedelta(hours=n),
                                body=f"Takk for sist. Her er tre ting fra møtet: søppelet, lyset og støyen ({n}).")
                           for n in range(POSTS))
        db.session.commit()
    app.extensions["bench_db"] = db
    return app
