from services.public.main import create_app, serve
from services.public.settings import PublicSettings

if __name__ == "__main__":
    settings = PublicSettings()
    serve(create_app(settings), settings)
