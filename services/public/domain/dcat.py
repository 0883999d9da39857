"""DCAT-AP-SE metadata: the catalogue of the site's datasets, one per promise, in JSON-LD.

What the Swedish profile asks of each (and the national data portal harvests): a catalogue
with title, description, publisher and its datasets; a dataset with title, description,
publisher, contact point, and distributions; a distribution with its access URL, format and
licence. The controlled terms are the EU's authority tables, as the profile requires.
"""

from datetime import date, datetime
from typing import Any, Final

from shared.promises import Promise

EU: Final = "http://publications.europa.eu/resource/authority"
CC0: Final = "http://creativecommons.org/publicdomain/zero/1.0/"
CONTEXT: Final = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FORMATS: Final = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "sv"}


def _date(value: date) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _distribution(base: str, promise: Promise, extension: str) -> dict[str, Any]:
    name, media_type = FORMATS[extension]
    url = f"{base}/promises/{promise.id}.{extension}"
    return {
        "@id": f"{url}#distribution",
        "@type": "dcat:Distribution",
        "dcterms:title": _text(f"{promise.title} ({name})"),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcterms:format": {"@id": f"{EU}/file-type/{name}"},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media_type}"},
        "dcterms:license": {"@id": CC0},
    }


def catalog(
    base: str,
    promises: list[Promise],
    publisher: str,
    contact_email: str,
    modified: dict[str, datetime],
) -> dict[str, Any]:
    """`modified`: when each promise's figures were last read, where they ever were."""
    agent = {"@id": f"{base}/#publisher", "@type": "foaf:Agent", "foaf:name": _text(publisher)}
    contact = {
        "@type": "vcard:Organization",
        "vcard:fn": _text(publisher),
        "vcard:hasEmail": {"@id": f"mailto:{contact_email}"},
    }
    datasets = []
    for promise in promises:
        temporal: dict[str, Any] = {
            "@type": "dcterms:PeriodOfTime",
            "dcat:startDate": _date(promise.valid_from),
        }
        if promise.valid_to:
            temporal["dcat:endDate"] = _date(promise.valid_to)
        dataset: dict[str, Any] = {
            "@id": f"{base}/promises/{promise.id}#dataset",
            "@type": "dcat:Dataset",
            "dcterms:identifier": f"{base}/promises/{promise.id}",
            "dcterms:title": _text(f"Uppföljning: {promise.title}"),
            "dcterms:description": _text(
                f"Hur det går med medborgarlöftet för {promise.area}: varje åtagandes läge och "
                "antal genomförda aktiviteter under perioden, och utfallsmåtten mot sin "
                "jämförelse. Endast antal, aldrig uppgifter om personer."
            ),
            "dcterms:publisher": {"@id": agent["@id"]},
            "dcat:contactPoint": contact,
            "dcat:landingPage": {"@id": f"{base}/promises/{promise.id}"},
            "dcat:theme": {"@id": f"{EU}/data-theme/JUST"},
            "dcat:keyword": [_text(k) for k in ("medborgarlöfte", "trygghet", "uppföljning")],
            "dcterms:language": {"@id": f"{EU}/language/SWE"},
            "dcterms:accrualPeriodicity": {"@id": f"{EU}/frequency/CONT"},
            "dcterms:accessRights": {"@id": f"{EU}/access-right/PUBLIC"},
            "dcterms:temporal": temporal,
            "dcterms:issued": _date(promise.valid_from),
            "dcat:distribution": [_distribution(base, promise, e) for e in FORMATS],
        }
        if promise.id in modified:
            dataset["dcterms:modified"] = {
                "@value": modified[promise.id].isoformat(),
                "@type": "xsd:dateTime",
            }
        datasets.append(dataset)
    return {
        "@context": CONTEXT,
        "@graph": [
            agent,
            {
                "@id": f"{base}/#catalog",
                "@type": "dcat:Catalog",
                "dcterms:title": _text("Uppföljning av medborgarlöften"),
                "dcterms:description": _text(
                    "Öppna data om hur polisen, kommunen och räddningstjänsten håller de "
                    "medborgarlöften de har gett."
                ),
                "dcterms:publisher": {"@id": agent["@id"]},
                "dcterms:language": {"@id": f"{EU}/language/SWE"},
                "dcterms:license": {"@id": CC0},
                "foaf:homepage": {"@id": f"{base}/"},
                "dcat:dataset": datasets,
            },
        ],
    }
