# Spanish. Mirrors en.ftl message for message (see the comments there for
# what each one is and which arguments it takes).

## The language itself

-language-name = Español
-language-direction = ltr

## Front page and section pages

most_recent = Lo más reciente
more_from_section = Más de { $section }
latest = Lo último
read_more = Seguir leyendo
sections = Secciones
menu = Menú
follow_us = Síguenos
skip_to_content = Saltar al contenido
back_to_front_page = Volver a la portada

## Bylines and lists of names: "By A, B and C"

by = Por
and = y
list_separator = { ", " }
list_last_separator = { " y " }

## Article metadata

published = Publicado
updated = Actualizado
tags = Etiquetas
photo = Foto
min_read = min de lectura
reading_time = { NUMBER($n) ->
    [one] { NUMBER($n) } minuto de lectura
   *[other] { NUMBER($n) } minutos de lectura
}

## Archive pages

articles_by = Artículos de { $name }
articles_tagged = Artículos con la etiqueta { $tag }

## Search

search = Buscar
search_label = Buscar en este sitio
search_results = { NUMBER($n) ->
    [one] { NUMBER($n) } resultado para «{ $query }»
   *[other] { NUMBER($n) } resultados para «{ $query }»
}
search_no_results = No hay resultados para «{ $query }». Prueba con menos palabras o con otras.
search_hint = Deben aparecer todas las palabras; pon una frase entre comillas.
search_building = El índice de búsqueda aún se está construyendo; inténtalo de nuevo en un minuto.
sort_by = Ordenar por
sort_relevance = Más relevantes
sort_newest = Más recientes

## Pagination

next_page = Página siguiente
previous_page = Página anterior
page_n_of_total = Página { NUMBER($n) } de { NUMBER($total) }
pagination = Paginación

## Sharing

share = Compartir
share_on_facebook = Compartir en Facebook
share_on_x = Compartir en X
share_on_mastodon = Compartir en Mastodon
share_by_email = Compartir por correo electrónico
copy_link = Copiar enlace
link_copied = Enlace copiado

## Article body (written by the Markdown renderer)

contents = Índice
footnotes = Notas
link_to_section = Enlace a esta sección
back_to_reference = Volver a la referencia { $n }

## Errors

not_found = Página no encontrada
not_found_message = La página que buscas no existe.

## Kickers above the h1 of list pages

section = Sección
author = Autor
tag = Etiqueta

## The share page for Mastodon

mastodon_instance = Tu servidor de Mastodon
mastodon_instance_hint = Por ejemplo, mastodon.social
mastodon_share_title = Compartir en Mastodon
mastodon_share_submit = Continuar a tu servidor
mastodon_instance_invalid = Eso no parece el nombre de un servidor.
mastodon_confirm = Compartir esto en { $instance }:
mastodon_continue = Continuar a { $instance }
mastodon_other_instance = Usar otro servidor

## The network of sister publications

also_in = También en
from_sister_sites = De nuestros sitios hermanos
also_writes_for = También escribe para
translated_from = Traducido del original ({ $language })

## Feeds (RSS, Atom, JSON Feed)

feed_rss = Canal RSS: { $title }
feed_atom = Canal Atom: { $title }
feed_json = Canal JSON Feed: { $title }
