import sys

from services.public.main import create_app, serve
from services.public.settings import PublicSettings
from shared.promises import PromiseFileError

if __name__ == "__main__":
    settings = PublicSettings()
    try:
        app = create_app(settings)
    except PromiseFileError as error:
        sys.exit(f"cannot start: the promises do not load\n{error}")
    serve(app, settings)
